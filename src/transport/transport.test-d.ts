import { describe, expectTypeOf, it } from 'vitest'
import * as z from 'zod/mini'
import type { TradekitError } from '../errors/index.js'
import {
  HttpClient,
  type HttpClientConfig,
  type HttpResponse,
  type Priority,
  type RateLimiterConfig,
  ReconnectingWebSocket,
  type ReconnectingWebSocketConfig,
  type WsCloseEvent,
} from './index.js'

describe('transport types', () => {
  it('decodes responses to the schema output type', () => {
    const http = new HttpClient({ baseUrl: 'http://127.0.0.1:1' })
    const withSchema = http.request({ path: '/t', schema: z.object({ serverTime: z.number() }) })
    expectTypeOf(withSchema).resolves.toEqualTypeOf<HttpResponse<{ serverTime: number }>>()
    expectTypeOf(http.request({ path: '/t' })).resolves.toEqualTypeOf<HttpResponse<unknown>>()
    expectTypeOf(http.get('/t', { schema: z.string() })).resolves.toEqualTypeOf<string>()
    // @ts-expect-error priority is a lane name
    void http.request({ path: '/t', priority: 'URGENT' })
  })

  it('types socket events and config inputs', () => {
    const ws = new ReconnectingWebSocket('ws://127.0.0.1:1', { autoConnect: false })
    ws.events.on('socket.closed', (e) => expectTypeOf(e).toEqualTypeOf<WsCloseEvent>())
    ws.events.on('message', (e) => expectTypeOf(e.data).toEqualTypeOf<string | ArrayBuffer>())
    ws.events.on('error', (e) => expectTypeOf(e).toEqualTypeOf<TradekitError>())
    // @ts-expect-error unknown event
    ws.events.on('nope', () => {})
    expectTypeOf<ReconnectingWebSocketConfig['staleAfterMs']>().toEqualTypeOf<number | undefined>()
    expectTypeOf<HttpClientConfig['baseUrl']>().toEqualTypeOf<string>()
    expectTypeOf<Priority>().toEqualTypeOf<'CANCEL' | 'ORDER' | 'MARKET_DATA'>()
    expectTypeOf<NonNullable<RateLimiterConfig['windows']>[number]['mode']>().toEqualTypeOf<
      'fixed' | 'rolling' | undefined
    >()
  })
})
