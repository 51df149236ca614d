/**
 * The {@code trustfl} command line (picocli): one class per command, each validating its options and printing
 * either text or JSON. Commands call the library packages; no DP or FL logic lives here.
 */
package io.trustfl.server.cli;
