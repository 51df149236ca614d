/**
 * The JavaCPP binding of the C++ kernels ({@code src/main/cpp}). Internal: it trusts its arguments and is used only
 * by {@code io.trustfl.nativecpu}, which validates them; application code must not call it.
 */
package io.trustfl.nativecpu.internal;
