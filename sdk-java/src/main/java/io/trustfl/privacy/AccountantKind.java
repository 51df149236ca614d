package io.trustfl.privacy;

/** Which accountant a calibration or a command uses. */
public enum AccountantKind {
  /** Rényi DP ({@link RdpAccountant}). */
  RDP,
  /** Privacy loss distribution ({@link PldAccountant}). */
  PLD
}
