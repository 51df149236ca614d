package io.trustfl.client;

/**
 * What a device reports about its data when it checks in ({@code CheckIn.examples_available} and
 * {@code examples_added_since_last_checkin}).
 *
 * @param examplesAvailable examples in the store now
 * @param addedSinceLastCheckIn examples stored since the previous check-in (deleted ones included)
 */
public record StoreActivity(long examplesAvailable, long addedSinceLastCheckIn) {}
