/**
 * The TrustFL wire protocol: Protocol Buffers messages generated at build time from
 * {@code src/main/proto/trustfl/v1/trustfl.proto} ({@code TaskPlan}, {@code ModelBundle}, {@code Weights},
 * {@code ClientUpdate}, {@code CheckIn}, {@code RoundSummary}, {@code AccountantState}), the version check every
 * reader applies ({@link io.trustfl.proto.ProtocolVersions}) and tensor codecs. Generated classes are never edited
 * by hand.
 */
package io.trustfl.proto;
