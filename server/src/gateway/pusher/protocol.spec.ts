import { createHmac } from 'node:crypto';
import { describe, expect, test } from '@jest/globals';
import { toPublicId } from '../../domain/common/public-id.js';
import {
  checkConnectUrl,
  CLOSE_CODES,
  closeReason,
  CloseCode,
  encodeChannelData,
  encodeData,
  frames,
  isSocketId,
  parseChannelData,
  parseChannelName,
  parseFrame,
  parseSubscribe,
  parseUnsubscribe,
  reconnectAdvice,
  signChannel,
  signedText,
  tooLargeMessage,
  verifyChannelSignature,
} from './protocol.js';

const PROJECT = toPublicId('Project', '0190f0a0-0000-7000-8000-000000000001');
const TEAM = toPublicId('Team', '0190f0a0-0000-7000-8000-000000000002');
const SECRET = 'gateway-secret';
const KEY = 'maestro';

describe('frames from clients', () => {
  test.each([
    ['{"event":"pusher:ping","data":{}}', { event: 'pusher:ping', data: {} }],
    ['{"event":"pusher:ping"}', { event: 'pusher:ping', data: undefined }],
    [
      '{"event":"client-rpc","channel":"c","data":"{\\"a\\":1}"}',
      { event: 'client-rpc', channel: 'c', data: '{"a":1}' },
    ],
    [
      '{"event":"client-rpc","channel":"c","data":[1,2]}',
      { event: 'client-rpc', channel: 'c', data: [1, 2] },
    ],
    ['{"event":"x","channel":null,"data":1}', { event: 'x', data: 1 }],
  ])('%s parses', (text, frame) => {
    expect(parseFrame(text)).toEqual({ ok: true, value: frame });
  });

  test.each([
    ['{', 'invalid JSON'],
    ['', 'invalid JSON'],
    ['[1]', 'a frame must be a JSON object'],
    ['"text"', 'a frame must be a JSON object'],
    ['null', 'a frame must be a JSON object'],
    ['{"data":{}}', '"event" is missing'],
    ['{"event":"","data":{}}', '"event" is missing'],
    ['{"event":7}', '"event" is missing'],
    ['{"event":"x","channel":5}', '"channel" must be a string'],
    [JSON.stringify({ event: 'x'.repeat(201) }), 'at most 200 characters'],
  ])('%s is refused', (text, fragment) => {
    const result = parseFrame(text);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toContain(fragment);
  });

  test('pusher:subscribe takes its data as an object or as a JSON string', () => {
    const value = { channel: 'private-x', auth: 'k:s', channelData: '{}' };
    expect(parseSubscribe({ channel: 'private-x', auth: 'k:s', channel_data: '{}' })).toEqual({
      ok: true,
      value,
    });
    expect(parseSubscribe('{"channel":"private-x","auth":"k:s","channel_data":"{}"}')).toEqual({
      ok: true,
      value,
    });
    expect(parseSubscribe({ channel: 'c' })).toEqual({
      ok: true,
      value: { channel: 'c', auth: undefined, channelData: undefined },
    });
    for (const bad of [undefined, 'nope', {}, { channel: '' }, { channel: 'c', auth: 1 }]) {
      expect(parseSubscribe(bad).ok).toBe(false);
    }
    expect(parseSubscribe({ channel: 'c', channel_data: {} })).toEqual({
      ok: false,
      message: 'pusher:subscribe: "channel_data" must be a JSON string',
    });
  });

  test('pusher:unsubscribe names a channel', () => {
    expect(parseUnsubscribe({ channel: 'c' })).toEqual({ ok: true, value: 'c' });
    expect(parseUnsubscribe({}).ok).toBe(false);
  });

  test('channel_data binds a user and a credential', () => {
    const text = encodeChannelData({ userId: 'usr_1', credential: 'mtk_abc' });
    expect(text).toBe('{"user_id":"usr_1","credential":"mtk_abc"}');
    expect(parseChannelData(text)).toEqual({ userId: 'usr_1', credential: 'mtk_abc' });
    for (const bad of ['', 'x', '[]', '{"user_id":"u"}', '{"user_id":1,"credential":"c"}']) {
      expect(parseChannelData(bad)).toBeUndefined();
    }
    expect(parseChannelData('{"user_id":"u","credential":""}')).toBeUndefined();
  });
});

describe('frames to clients', () => {
  test('server events carry data as a JSON string; pusher:error as an object', () => {
    expect(frames.connectionEstablished('123.456')).toBe(
      '{"event":"pusher:connection_established","data":"{\\"socket_id\\":\\"123.456\\",\\"activity_timeout\\":30}"}',
    );
    expect(frames.pong()).toBe('{"event":"pusher:pong","data":"{}"}');
    expect(frames.ping()).toBe('{"event":"pusher:ping","data":"{}"}');
    expect(frames.error(4001, 'App key "x" not in use')).toBe(
      '{"event":"pusher:error","data":{"code":4001,"message":"App key \\"x\\" not in use"}}',
    );
    expect(JSON.parse(frames.error(null, 'bad'))).toEqual({
      event: 'pusher:error',
      data: { code: null, message: 'bad' },
    });
    expect(frames.subscriptionSucceeded('private-team.t')).toBe(
      '{"event":"pusher_internal:subscription_succeeded","channel":"private-team.t","data":"{}"}',
    );
    expect(
      JSON.parse(frames.subscriptionError('c', { type: 'AuthError', error: 'no', status: 401 })),
    ).toEqual({
      event: 'pusher:subscription_error',
      channel: 'c',
      data: '{"type":"AuthError","error":"no","status":401}',
    });
    expect(JSON.parse(frames.event('c', 'rpc', { jsonrpc: '2.0', method: 'm' }))).toEqual({
      event: 'rpc',
      channel: 'c',
      data: '{"jsonrpc":"2.0","method":"m"}',
    });
  });

  test('a string is taken as already encoded, as Pusher libraries do', () => {
    expect(encodeData('{"a":1}')).toBe('{"a":1}');
    expect(encodeData({ a: 1 })).toBe('{"a":1}');
    expect(encodeData(null)).toBe('null');
    expect(encodeData(undefined)).toBe('null');
  });

  test('the cap message names the size and the cap', () => {
    expect(tooLargeMessage(10_241, 10_240)).toBe(
      'message too large: 10241 bytes; the cap is 10240',
    );
  });
});

describe('connecting', () => {
  test.each([
    ['/app/maestro?protocol=7&client=js&version=8.6.0&flash=false', { ok: true }],
    ['/app/maestro?protocol=7', { ok: true }],
    ['/app/other?protocol=7', { ok: false, code: 4001, message: 'App key "other" not in use' }],
    ['/app/?protocol=7', { ok: false, code: 4001, message: 'App key "" not in use' }],
    ['/app/maestro/extra?protocol=7', { ok: false, code: 4001 }],
    ['/app/%E0%A4%A?protocol=7', { ok: false, code: 4001 }],
    [
      '/app/maestro?protocol=6',
      {
        ok: false,
        code: 4007,
        message: 'Unsupported protocol version "6"; this server speaks protocol 7',
      },
    ],
    [
      '/app/maestro',
      {
        ok: false,
        code: 4007,
        message: 'No protocol version supplied; this server speaks protocol 7',
      },
    ],
    ['/app/other?protocol=6', { ok: false, code: 4001 }],
  ])('%s', (url, expected) => {
    expect(checkConnectUrl(url, KEY)).toMatchObject(expected);
  });
});

describe('close codes', () => {
  test('the table follows Pusher’s ranges', () => {
    expect(CLOSE_CODES.map((c) => [c.code, c.reconnect])).toEqual([
      [4001, 'never'],
      [4007, 'never'],
      [4009, 'never'],
      [4100, 'later'],
      [4200, 'now'],
      [4201, 'now'],
    ]);
    for (const entry of CLOSE_CODES) expect(reconnectAdvice(entry.code)).toBe(entry.reconnect);
    expect(new Set(CLOSE_CODES.map((c) => c.code))).toEqual(
      new Set(Object.values(CloseCode) as number[]),
    );
  });

  test.each([
    [3999, undefined],
    [4000, 'never'],
    [4099, 'never'],
    [4100, 'later'],
    [4199, 'later'],
    [4200, 'now'],
    [4299, 'now'],
    [4300, undefined],
    [1001, undefined],
    [4200.5, undefined],
  ])('%d → %s', (code, advice) => {
    expect(reconnectAdvice(code)).toBe(advice);
  });

  test('reasons fit a close frame (123 bytes)', () => {
    expect(closeReason('short')).toBe('short');
    const long = closeReason('é'.repeat(100));
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(123);
    expect(long).not.toContain('\uFFFD');
  });
});

describe('channel names', () => {
  test('private project and team channels with well-formed ids', () => {
    expect(parseChannelName(`private-project.${PROJECT}`)).toEqual({
      ok: true,
      value: { kind: 'project', id: PROJECT, name: `private-project.${PROJECT}` },
    });
    expect(parseChannelName(`private-team.${TEAM}`)).toEqual({
      ok: true,
      value: { kind: 'team', id: TEAM, name: `private-team.${TEAM}` },
    });
  });

  test.each([
    [`private-project.${TEAM}`, 'is not a project id'],
    [`private-team.${PROJECT}`, 'is not a team id'],
    ['private-project.prj_short', 'is not a project id'],
    ['private-project.', 'is not a project id'],
    [`private-project.${PROJECT}x`, 'is not a project id'],
    [`presence-project.${PROJECT}`, 'presence channels are not offered'],
    [`private-encrypted-project.${PROJECT}`, 'encrypted channels are not offered'],
    [`private-chat`, 'no such private channel'],
    [`project.${PROJECT}`, 'public channels are not offered'],
    ['', 'public channels are not offered'],
  ])('%s is refused', (name, fragment) => {
    const result = parseChannelName(name);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toContain(fragment);
  });
});

describe('signatures', () => {
  const socketId = '1234.5678';
  const channel = `private-project.${PROJECT}`;
  const channelData = '{"user_id":"usr_1","credential":"tok"}';

  test('HMAC-SHA256 hex of socket_id:channel:channel_data, as "<key>:<hex>"', () => {
    const hex = createHmac('sha256', SECRET)
      .update(`1234.5678:${channel}:${channelData}`)
      .digest('hex');
    expect(signChannel(SECRET, KEY, socketId, channel, channelData)).toBe(`maestro:${hex}`);
    expect(signedText(socketId, channel)).toBe(`1234.5678:${channel}`);
  });

  test('a fixed vector pins the format', () => {
    // Pusher's documented example: secret 7ad3773142a6692b25b8, socket 1234.1234, private-foobar.
    expect(
      signChannel('7ad3773142a6692b25b8', '278d425bdf160c739803', '1234.1234', 'private-foobar'),
    ).toBe('278d425bdf160c739803:58df8b0c36d6982b82c3ecf6b4662e34fe8c25bba48f5369f135bf843651c3a4');
  });

  test('verification accepts only the exact signature', () => {
    const auth = signChannel(SECRET, KEY, socketId, channel, channelData);
    const verify = (a: string, s = socketId, c = channel, d: string | undefined = channelData) =>
      verifyChannelSignature(SECRET, KEY, a, s, c, d);
    expect(verify(auth)).toBe(true);
    expect(verify(auth, '1234.5679')).toBe(false);
    expect(verify(auth, socketId, `private-team.${TEAM}`)).toBe(false);
    expect(verify(auth, socketId, channel, '{"user_id":"usr_1","credential":"other"}')).toBe(false);
    // The private-channel form (no channel_data) is another text, so another signature.
    expect(verifyChannelSignature(SECRET, KEY, auth, socketId, channel)).toBe(false);
    expect(verify(auth.replace(/^maestro:/, 'other:'))).toBe(false);
    expect(verify(auth.toUpperCase())).toBe(false);
    expect(verify(auth.slice(0, -1))).toBe(false);
    expect(verify(`${auth}0`)).toBe(false);
    expect(verify('maestro')).toBe(false);
    expect(verify('')).toBe(false);
    expect(
      verifyChannelSignature('another-secret', KEY, auth, socketId, channel, channelData),
    ).toBe(false);
  });

  test.each([
    ['1.2', true],
    ['123456.7890123', true],
    ['1.', false],
    ['.1', false],
    ['1.2.3', false],
    ['a.b', false],
    [' 1.2', false],
    ['1.2\n', false],
    [`${'1'.repeat(21)}.1`, false],
    [12, false],
  ])('socket id %j → %s', (value, valid) => {
    expect(isSocketId(value)).toBe(valid);
  });
});
