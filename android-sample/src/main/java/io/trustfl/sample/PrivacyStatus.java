package io.trustfl.sample;

import io.trustfl.privacy.PrivacyBudget;
import io.trustfl.privacy.PrivacyLedger;
import io.trustfl.privacy.RdpAccountant;
import io.trustfl.proto.AccountantState;
import java.io.File;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Objects;

/**
 * The device's example-level privacy ledger (DP-SGD steps the device ran for plans that ask for them), kept in a
 * file so that a restart, an app update or a crash cannot reset the budget: the ledger is saved after every round
 * and restored on open with its budget.
 *
 * <p>Thread-safe (synchronized). The ledger itself is handed to the SDK's federated client, which spends it only
 * from the background job while this object's owner holds the model lock.
 */
public final class PrivacyStatus {
  private final File file;
  private final PrivacyLedger ledger;

  private PrivacyStatus(File file, PrivacyLedger ledger) {
    this.file = file;
    this.ledger = ledger;
  }

  /**
   * Restores the ledger saved in {@code file}, or starts an RDP ledger with {@code budget} when there is none. A
   * saved ledger keeps its own budget.
   */
  public static PrivacyStatus open(File file, PrivacyBudget budget) {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(budget, "budget");
    if (!file.exists()) {
      return new PrivacyStatus(file, new PrivacyLedger(new RdpAccountant(), budget));
    }
    try (InputStream in = new FileInputStream(file)) {
      return new PrivacyStatus(file, PrivacyLedger.fromState(AccountantState.parseFrom(in)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the privacy ledger " + file
          + " (the budget spent so far cannot be recovered; never delete this file to reset it)", e);
    }
  }

  /** The ledger (for {@code FederatedClient.Builder.exampleLevelLedger}). */
  public PrivacyLedger ledger() {
    return ledger;
  }

  /** ε spent so far at the budget's δ. */
  public synchronized double spentEpsilon() {
    return ledger.spentEpsilon();
  }

  /** The budget. */
  public PrivacyBudget budget() {
    return ledger.budget();
  }

  /** Saves the ledger atomically (temporary file, fsync, rename). */
  public synchronized void save() {
    File tmp = new File(file.getPath() + ".tmp");
    try (FileOutputStream out = new FileOutputStream(tmp)) {
      ledger.toState().writeTo(out);
      out.getFD().sync();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save the privacy ledger to " + tmp, e);
    }
    if (!tmp.renameTo(file)) {
      throw new UncheckedIOException(new IOException("cannot rename " + tmp + " to " + file));
    }
  }

  /** One line for the UI, e.g. "ε spent 0.42 of 8.00 (δ = 1e-05), example-level DP-SGD". */
  public synchronized String describe() {
    return String.format(Locale.ROOT, "ε spent %.2f of %.2f (δ = %.0e), example-level DP-SGD on this device",
        ledger.spentEpsilon(), ledger.budget().epsilon(), ledger.budget().delta());
  }
}
