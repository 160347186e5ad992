/**
 * Not API: what the native strategies share — JNA bindings (one class per C
 * library or header), the reaper that notices exits, descriptor streams,
 * native-library loading. Unexported; it may change in any release.
 */
package dev.safespawn.strategies.internal;
