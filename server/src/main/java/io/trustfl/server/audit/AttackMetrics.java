package io.trustfl.server.audit;

/**
 * Summary of a membership-inference attack (REFERENCES.md &sect;5, TF Privacy and LiRA conventions).
 *
 * @param auc area under the ROC curve (0.5 = chance)
 * @param advantage max |TPR &minus; FPR| over thresholds
 * @param ppv TPR/(TPR + &gamma;&middot;FPR) at the max-advantage threshold, &gamma; = nonMembers/members
 * @param tprAt1PctFpr TPR at FPR &le; 1%
 * @param tprAt01PctFpr TPR at FPR &le; 0.1%
 * @param members number of members scored
 * @param nonMembers number of non-members scored
 */
public record AttackMetrics(double auc, double advantage, double ppv, double tprAt1PctFpr, double tprAt01PctFpr,
    int members, int nonMembers) {}
