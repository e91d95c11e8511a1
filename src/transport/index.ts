/**
 * Transport for venue adapters: a WebSocket that never gives up ({@link ReconnectingWebSocket}) and an HTTP client
 * that respects the venue ({@link HttpClient}: timeouts, retries, a shared multi-window {@link RateLimiter} with
 * priority lanes, bans and a {@link CircuitBreaker}).
 *
 * Guide: [Transport](../../docs/transport.md).
 *
 * @module tradekit/transport
 * @packageDocumentation
 */
export { type BackoffOptions, backoffDelay } from './backoff.js'
export {
  CircuitBreaker,
  type CircuitBreakerConfig,
  CircuitBreakerConfigSchema,
  type CircuitBreakerEvents,
  CircuitState,
  type CircuitStateChangedEvent,
} from './CircuitBreaker.js'
export {
  type ErrorMapper,
  HttpClient,
  type HttpClientConfig,
  HttpClientConfigSchema,
  type HttpClientEvents,
  type HttpErrorContext,
  type HttpMethod,
  type HttpRequestDraft,
  type HttpRequestErrorType,
  type HttpRequestOptions,
  type HttpResponse,
  type HttpResponseInfo,
  parseRetryAfter,
  type QueryValue,
  type RequestRetryingEvent,
  type ResponseEvent,
  type ResponseHook,
  type SignHook,
} from './HttpClient.js'
export { orderPriority } from './orderPriority.js'
export {
  type AcquireOptions,
  type BannedEvent,
  type PausedEvent,
  Priority,
  RateLimiter,
  type RateLimiterConfig,
  RateLimiterConfigSchema,
  type RateLimiterEvents,
  type RateLimiterSnapshot,
  type RateLimitWindowConfig,
  RateLimitWindowSchema,
  type RateLimitWindowSnapshot,
  type RequestCost,
  type ThrottledEvent,
  WindowMode,
} from './RateLimiter.js'
export type { RateLimitCharge, RateLimitReservation, RateLimitStore } from './RateLimitStore.js'
export { ReconnectingWebSocket } from './ReconnectingWebSocket.js'
export {
  ConnectionState,
  LocalCloseCode,
  type MessagesOptions,
  type OutgoingMessage,
  type ReconnectingWebSocketConfig,
  ReconnectingWebSocketConfigSchema,
  type ReconnectingWebSocketEvents,
  type WebSocketConstructor,
  type WebSocketData,
  type WebSocketStats,
  type WebSocketUrl,
  type WsCloseEvent,
  type WsMessageEvent,
  type WsOpenEvent,
  type WsReconnectingEvent,
  type WsStaleEvent,
} from './ws/wsTypes.js'
