/**
 * Privacy audits: measured leakage next to the accountant's guarantee. Pure audit math (ROC metrics,
 * Clopper&ndash;Pearson intervals, empirical &epsilon; lower bounds, skew-normal exposure extrapolation) lives in
 * {@link io.trustfl.server.audit.RocCurve}, {@link io.trustfl.server.audit.ClopperPearson},
 * {@link io.trustfl.server.audit.EmpiricalEpsilon} and {@link io.trustfl.server.audit.SkewNormal}; the attacks
 * (threshold and LiRA membership inference, canary exposure, white-box canary extraction) and the experiment runner
 * that trains target and shadow models through the ordinary {@link io.trustfl.train.Trainer} sit beside them.
 * Federated audits ({@link io.trustfl.server.audit.FederatedAudit}) add canary clients and planted secrets to one
 * simulator run through {@link io.trustfl.server.simulation.AuditHook}; they go through the unchanged server path.
 * Nothing here changes how models are trained; audits only add participants or data and observe what is released.
 */
package io.trustfl.server.audit;
