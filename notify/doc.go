// Package notify delivers alerts from the store's durable alert log (the
// outbox that store.Store.Write fills in the same write as the transition
// that raised each alert) at least once: to webhooks, and to the bus that
// the websocket hub reads.
//
// Each webhook and the bus relay is a consumer group on the log (a Redis
// stream consumer group, or the memory store's in-process equivalent).
// An alert handed to an instance stays pending until delivered; a failed
// POST is retried with exponential backoff until Webhook.MaxAge has passed
// since the alert was logged (or Webhook.Attempts is reached), then
// recorded as failed, listed by Notifier.Failed and retried on demand by
// Notifier.Retry. Entries left pending by an instance that died are
// claimed by another after Options.Takeover. Every POST of one alert to
// one webhook carries the same X-Flightwatch-Delivery id, so receivers can
// drop repeats.
//
// Notifier and Relay are safe for concurrent use; their Run methods
// return when ctx is done.
package notify
