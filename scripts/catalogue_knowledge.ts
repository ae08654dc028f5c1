/**
 * What the fixtures alone cannot say about Stream's event shapes, written down once for the
 * catalogue generator (`deno task catalogue`). Drawn from Stream's OpenAPI spec (GetStream/protocol
 * `openapi/v2/feeds-serverside-api.json` and `chat-serverside-api.json`, v236.0.4, the version
 * the fixtures were checked against): field names only, no schema is copied or read at run time.
 */

/**
 * Objects whose keys and values are the app's own (`additionalProperties: {}` in the spec):
 * anything below them is accepted, whatever the fixture happens to hold (`user.custom.plan`).
 */
export const FREE_FORM_OBJECTS: ReadonlySet<string> = new Set([
  "custom",
  "channel_custom",
  "search_data",
  "data",
  "action_options",
  "params",
  "filter",
  "defaults",
  "score_vars",
  "target_feeds_extra_data",
  "metadata",
  "i18n",
]);

/**
 * Objects keyed by a free word (a reaction type, a poll option, a collection name) whose values
 * share one shape (`additionalProperties: {$ref: …}` in the spec): `reaction_groups.flag.count`
 * is known when some fixture has any `reaction_groups.<key>.count`.
 */
export const KEYED_OBJECTS: ReadonlySet<string> = new Set([
  "reaction_groups",
  "reaction_counts",
  "reaction_scores",
  "collections",
  "children_counts",
  "vote_counts_by_option",
  "latest_votes_by_option",
  "teams_role",
  "content_ids",
  "image_ids",
  "text_ids",
  "image_labels",
  "grants",
  "metrics",
]);

/**
 * Field names the spec never lists as `required` in any webhook event schema that has them
 * (Stream omits them when empty): a fixture that holds one still marks it optional.
 */
export const OPTIONAL_FIELDS: ReadonlySet<string> = new Set([
  "action_options",
  "aggregated_activities",
  "appeal",
  "blocklists_matched",
  "channel_id",
  "channel_type",
  "comment_id",
  "completed_at",
  "config_key",
  "deactivated_at",
  "deleted_at",
  "edited_at",
  "entity_creator_id",
  "expiration",
  "expires_at",
  "feed_group",
  "feed_visibility",
  "feeds_v3_activity",
  "flag",
  "folder",
  "image",
  "image_url",
  "images",
  "invite_accepted_at",
  "is_closed",
  "is_read",
  "is_seen",
  "labels",
  "last_seen_at",
  "mark_all_read",
  "mark_all_seen",
  "mark_read",
  "mark_seen",
  "max_votes_allowed",
  "moderation",
  "moderation_action",
  "moderation_payload",
  "notification_context",
  "notification_status",
  "poll",
  "received_at",
  "request_accepted_at",
  "reviewed_at",
  "shadow",
  "target",
  "target_message_id",
  "target_user",
  "team",
  "text_harms",
  "texts",
  "total_bans",
  "trigger",
  "violation_number",
]);
