// The view the backend sends the page, and a command's error: generated from the Rust
// types by core/src/machine/view/contract.rs. Do not edit; see that file.

export type View = { 
/**
 * The header's tools this view may open (settings, about).
 */
tools: Array<Action>, 
/**
 * The buttons this view offers, in order: any other button stays hidden.
 */
actions: Array<Action>, 
/**
 * This screen covers another (settings or about): closing it goes back to that one.
 */
covers: boolean, 
/**
 * What Escape does here, if anything.
 */
escape: Action | null, 
/**
 * The line about updates, beside the screen.
 */
update: UpdateView | null, } & ({ "state": "setup" } & SetupView | { "state": "about", version: string, license: string, 
/**
 * The platform in use, when one is configured.
 */
platform: string | null, 
/**
 * The platform this copy was built for, when its distributor built one in.
 */
built_for: string | null, 
/**
 * The settings the school manages on this computer, as a browser's policy page
 * lists them; empty when it manages none.
 */
managed: Array<InUse>, } | { "state": "restoring" } | { "state": "waiting_for_keychain" } | { "state": "signed_out", notice: Message | null, } | { "state": "starting" } | { "state": "code_shown" } & CodeView | { "state": "error" } & ErrorView | { "state": "signed_in", profile: ProfileView, platform: string, 
/**
 * Why the session ends with the app, when it does.
 */
not_remembered: Message | null, 
/**
 * Whether the session is kept on this computer between runs.
 */
remembered: boolean, 
/**
 * When the learner signed in (milliseconds since the epoch), when known.
 */
signed_in_since_ms: number | null, 
/**
 * The platform cannot be reached: the profile is the one read then (milliseconds
 * since the epoch), and it is tried again.
 */
offline_since_ms: number | null, } | { "state": "signing_out" });

export type Screen = { "state": "setup" } & SetupView | { "state": "about", version: string, license: string, 
/**
 * The platform in use, when one is configured.
 */
platform: string | null, 
/**
 * The platform this copy was built for, when its distributor built one in.
 */
built_for: string | null, 
/**
 * The settings the school manages on this computer, as a browser's policy page
 * lists them; empty when it manages none.
 */
managed: Array<InUse>, } | { "state": "restoring" } | { "state": "waiting_for_keychain" } | { "state": "signed_out", notice: Message | null, } | { "state": "starting" } | { "state": "code_shown" } & CodeView | { "state": "error" } & ErrorView | { "state": "signed_in", profile: ProfileView, platform: string, 
/**
 * Why the session ends with the app, when it does.
 */
not_remembered: Message | null, 
/**
 * Whether the session is kept on this computer between runs.
 */
remembered: boolean, 
/**
 * When the learner signed in (milliseconds since the epoch), when known.
 */
signed_in_since_ms: number | null, 
/**
 * The platform cannot be reached: the profile is the one read then (milliseconds
 * since the epoch), and it is tried again.
 */
offline_since_ms: number | null, } | { "state": "signing_out" };

export type Action = "start_sign_in" | "cancel_sign_in" | "open_verification_page" | "copy_user_code" | "retry" | "sign_out" | "save_setup" | "open_settings" | "open_about" | "close_overlay" | "skip_keychain" | "copy_support_details" | "update_now" | "dismiss_update";

export type UpdateView = { "kind": "available", version: string, } | { "kind": "managed", version: string, } | { "kind": "downloading", version: string, done: number, total: number | null, } | { "kind": "ready", version: string, } | { "kind": "failed", message: Message, } | { "kind": "updated", version: string, notes: string | null, };

export type SetupView = { 
/**
 * First start: nothing to go back to.
 */
first_run: boolean, auth_url: string, 
/**
 * The learner's own client id, if they gave one.
 */
client_id: string, 
/**
 * Settings the school locked: shown, not editable.
 */
locked: Array<Key>, 
/**
 * Some settings come from the school.
 */
managed: boolean, 
/**
 * What will be used, and where each value comes from.
 */
in_use: Array<InUse>, 
/**
 * A save is under way: Save waits for it.
 */
saving: boolean, };

export type InUse = { key: Key, value: string, from: Layer, 
/**
 * The learner's layers cannot change it.
 */
locked: boolean, };

export type ErrorView = { message: Message, 
/**
 * Our own words for support, never a server's.
 */
detail: string, 
/**
 * The setting a settings error is about.
 */
setting: Key | null, reason: Invalid | null, 
/**
 * The settings file an error is about, and its line.
 */
file: string | null, line: number | null, };

export type CodeView = { 
/**
 * Exactly as the platform gave it: shown, copied and typed as such.
 */
user_code: string, 
/**
 * The page to go to, as text.
 */
verification_uri: string, 
/**
 * The page is on the platform: it may be opened, and is encoded in `qr_code`. When
 * false, nothing is opened or encoded, and the address carries a warning.
 */
trusted: boolean, 
/**
 * A QR code of the page to open, as a `data:` SVG image; empty when not trusted.
 */
qr_code: string, 
/**
 * When the code dies, in milliseconds since the Unix epoch.
 */
expires_at_ms: number, status: Status, };

export type Status = { "kind": "waiting" } | { "kind": "slowed_down", interval_secs: number, } | { "kind": "retrying", reason: Message, 
/**
 * When the next try is due (milliseconds since the epoch), for "retrying in N s".
 */
retry_at_ms: number, } | { "kind": "approved" };

export type ProfileView = { display_name: string, email: string | null, 
/**
 * ISO 8601 (or the platform's own date); the window formats it for the learner's locale.
 */
member_since: string | null, initials: string, };

export type ErrorAnswer = { message: Message, 
/**
 * The setting it is about, and why that cannot be used.
 */
setting: Key | null, reason: Invalid | null, 
/**
 * Our own words, for support.
 */
detail: string, };

export type Message = "denied" | "unusable_code" | "unusable_token" | "expired" | "invalid_client" | "unsupported_grant" | "refused" | "unreachable" | "untrusted_certificate" | "proxy_authentication" | "server_error" | "unexpected" | "session_invalid" | "issuer_mismatch" | "foreign_endpoint" | "missing_endpoint" | "client_setup" | "settings_file_broken" | "managed_file_broken" | "managed_file_untrusted" | "policy_broken" | "invalid_setting" | "signed_out" | "revocation_failed" | "keychain_not_cleared" | "session_ended" | "settings_changed" | "keychain_unread" | "signed_out_idle" | "signed_out_asleep" | "memory_chosen" | "no_keychain" | "too_large_for_keychain" | "ends_with_the_app" | "not_configured" | "no_sign_in" | "unsafe_url" | "desktop" | "not_now" | "client_id_needed" | "locked" | "save_failed" | "not_confirmed" | "too_fast" | "update_unverified" | "update_failed";

export type Key = "auth_url" | "api_url" | "client_id" | "scope" | "device_authorization_endpoint" | "token_endpoint" | "revocation_endpoint" | "profile_endpoint" | "allowed_hosts" | "token_store" | "remember_session" | "sign_out_when_idle" | "updates" | "update_url" | "update_pubkey";

export type Layer = "build" | "recommended" | "school" | "file" | "environment" | "flags" | "user_policy" | "machine_policy";

export type Invalid = "not_an_address" | "needs_https" | "not_web" | "has_credentials" | "has_query" | "not_a_client_id" | "not_a_store" | "not_hosts" | "not_yes_or_no" | "not_a_duration" | "not_an_update_mode" | "not_an_update_feed" | "not_a_key";
