/**
 * The Stream event types sluice knows by name, with a line on each (`sluice events`). Unknown
 * types are still accepted and routed; this list only powers help and typo warnings.
 */
import { compileTypePattern, isGlob } from "./type_pattern.ts";

/** One known event type. */
export interface KnownEventType {
  type: string;
  description: string;
}

/** Known Stream webhook event types (Feeds v3, moderation, chat flags), by product area. */
export const knownEventTypes: readonly KnownEventType[] = [
  ["feeds.activity.added", "an activity was added to a feed"],
  ["feeds.activity.updated", "an activity was edited"],
  ["feeds.activity.deleted", "an activity was deleted"],
  ["feeds.activity.restored", "a deleted activity was restored"],
  ["feeds.activity.removed_from_feed", "an activity was removed from one feed"],
  ["feeds.activity.pinned", "an activity was pinned in a feed"],
  ["feeds.activity.unpinned", "an activity was unpinned"],
  ["feeds.activity.marked", "activities were marked read, seen or watched"],
  ["feeds.activity.feedback", "a user gave feedback on an activity (e.g. hide, show less)"],
  ["feeds.activity.reaction.added", "a reaction (like, flag, …) was added to an activity"],
  ["feeds.activity.reaction.updated", "a reaction on an activity was changed"],
  ["feeds.activity.reaction.deleted", "a reaction on an activity was removed"],
  ["feeds.comment.added", "a comment was added"],
  ["feeds.comment.updated", "a comment was edited"],
  ["feeds.comment.deleted", "a comment was deleted"],
  ["feeds.comment.restored", "a deleted comment was restored"],
  ["feeds.comment.reaction.added", "a reaction was added to a comment"],
  ["feeds.comment.reaction.updated", "a reaction on a comment was changed"],
  ["feeds.comment.reaction.deleted", "a reaction on a comment was removed"],
  ["feeds.feed.created", "a feed was created"],
  ["feeds.feed.updated", "a feed was updated"],
  ["feeds.feed.deleted", "a feed was deleted"],
  ["feeds.feed_member.added", "a member joined a feed"],
  ["feeds.feed_member.updated", "a feed member's role or status changed"],
  ["feeds.feed_member.removed", "a member left or was removed from a feed"],
  ["feeds.follow.created", "a feed followed another"],
  ["feeds.follow.updated", "a follow changed (e.g. request accepted)"],
  ["feeds.follow.deleted", "a follow was removed"],
  ["feeds.bookmark.added", "an activity was bookmarked"],
  ["feeds.bookmark.updated", "a bookmark was changed"],
  ["feeds.bookmark.deleted", "a bookmark was removed"],
  ["feeds.bookmark_folder.updated", "a bookmark folder was changed"],
  ["feeds.bookmark_folder.deleted", "a bookmark folder was removed"],
  ["feeds.notification_feed.updated", "a notification feed changed"],
  ["feeds.stories_feed.updated", "a stories feed changed"],
  ["feeds.feed_group.changed", "a feed group's settings changed"],
  ["feeds.feed_group.deleted", "a feed group was deleted"],
  ["feeds.feed_group.restored", "a feed group was restored"],
  ["feeds.poll.closed", "a poll was closed (client events; may not reach webhooks)"],
  ["feeds.poll.vote_casted", "a poll vote was cast (client events; may not reach webhooks)"],
  ["moderation.flagged", "content or a user was flagged for moderation"],
  ["moderation.mark_reviewed", "a moderator marked an item reviewed"],
  ["moderation.custom_action", "a moderator ran an app-defined action"],
  ["moderation.analysis.failed", "automatic moderation analysis failed"],
  ["moderation.text_analysis.complete", "text moderation analysis finished"],
  ["moderation.image_analysis.complete", "image moderation analysis finished"],
  ["moderation_check.completed", "a moderation check finished with a recommended action"],
  ["moderation_rule.triggered", "a moderation rule fired for content or a user"],
  ["review_queue_item.new", "an item entered the moderation review queue"],
  ["review_queue_item.updated", "a review queue item changed (new flags, actions, status)"],
  ["appeal.created", "a user appealed a moderation decision"],
  ["appeal.accepted", "an appeal was accepted"],
  ["appeal.rejected", "an appeal was rejected"],
  ["user.banned", "a user was banned"],
  ["user.unbanned", "a ban was lifted"],
  ["user.deactivated", "a user was deactivated"],
  ["user.reactivated", "a user was reactivated"],
  ["user.updated", "a user's profile changed"],
  ["user.deleted", "a user was deleted"],
  ["user.flagged", "a user was flagged (chat)"],
  ["user.muted", "a user was muted (chat)"],
  ["user.unmuted", "a user was unmuted (chat)"],
  ["user.messages.deleted", "all messages of a user were deleted (chat)"],
  ["message.flagged", "a chat message was flagged"],
  ["message.pending", "a chat message awaits moderation"],
  ["flag.updated", "a flag changed (chat)"],
].map(([type, description]) => ({ type, description }));

const knownTypes = new Set(knownEventTypes.map((t) => t.type));

/** Whether a type pattern (exact or glob) matches at least one known type. */
export function isKnownEventPattern(pattern: string): boolean {
  if (!isGlob(pattern)) return knownTypes.has(pattern);
  const matches = compileTypePattern(pattern);
  return knownEventTypes.some((t) => matches(t.type));
}

/** Whether an event's type is one Stream is known to send (its `*` is a character, not a glob). */
export function isKnownEventType(type: string): boolean {
  return knownTypes.has(type);
}
