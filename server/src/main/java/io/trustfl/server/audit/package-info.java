/**
 * Privacy audits: measured leakage next to the accountant's guarantee. Pure audit math (ROC metrics,
 * Clopper&ndash;Pearson intervals, empirical &epsilon; lower bounds, skew-normal exposure extrapolation) lives in
 * {@link io.trustfl.server.audit.RocCurve}, {@link io.trustfl.server.audit.ClopperPearson},
 * {@link io.trustfl.server.audit.EmpiricalEpsilon} and {@link io.trustfl.server.audit.SkewNormal}; the attacks
 * (threshold and LiRA membership inference, canary exposure, white-box canary extraction) and the experiment runner
 * that trains target and shadow models through the ordinary {@link io.trustfl.train.Trainer} sit beside them.
 * Nothing here changes how models are trained; audits only observe trained weights.
 */
package io.trustfl.server.audit;
