import { generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { MemberRole } from '../src/domain/access/permissions.js';
import { InviteEntity } from '../src/domain/auth/auth.entity.js';
import { deriveKey, JWT_ISSUER, TokenKeys, TOKEN_USES } from '../src/domain/auth/jwt.js';
import { parsePublicIdOf } from '../src/domain/common/public-id.js';
import { createLogger } from '../src/logging/logger.js';
import { expectEventually } from './support/expect-eventually.js';
import { accessTokenFor, addMember } from './support/members.js';
import { mutation, ok } from './support/mutations.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const PASSWORD = 'a perfectly fine password';
const random = () => randomBytes(4).toString('hex');

interface Tokens {
  accessToken: string;
  refreshToken: string;
}

const TOKENS =
  'tokens { accessToken refreshToken accessTokenExpiresAt refreshTokenExpiresAt csrfToken }';

/** Sign-in and session operations, anonymous unless a token is given. */
async function call<T = Record<string, unknown>>(
  server: TestServer,
  name: string,
  input: Record<string, unknown>,
  selection: string,
  token?: string,
) {
  const type = `${name[0]?.toUpperCase()}${name.slice(1)}Input`;
  const response = await server.requestAs<
    Record<string, T & { userErrors: { code: string; message: string; field: string[] | null }[] }>,
    unknown
  >(
    token,
    `mutation($input: ${type}!) { ${name}(input: $input) { ${selection} userErrors { code message field } } }`,
    { input },
  );
  return {
    data: response.data?.[name],
    error: response.errors?.[0],
  };
}

async function login(server: TestServer, email: string, password: string) {
  return call<{ tokens: Tokens | null }>(server, 'login', { email, password }, TOKENS);
}

async function whoAmI(server: TestServer, token: string | undefined) {
  const response = await server.requestAs<
    {
      viewer: { kind: string; user: { email: string } | null; authenticationError: string | null };
    },
    unknown
  >(token, '{ viewer { kind user { email } authenticationError } workspaces { totalCount } }');
  return response;
}

/** A new person, invited to `workspaceId` with `role` and signed up with PASSWORD. */
async function invitedUser(server: TestServer, workspaceId: string, role: MemberRole) {
  const email = `u-${random()}@example.test`;
  const { token } = await ok<{ token: string }>(
    server,
    'createInvite',
    { workspaceId, role },
    'token',
  );
  const signedUp = await call<{ tokens: Tokens; member: { id: string } }>(
    server,
    'signUp',
    { inviteToken: token, email, password: PASSWORD, name: 'New person' },
    `${TOKENS} member { id }`,
  );
  expect(signedUp.error).toBeUndefined();
  return {
    email,
    memberId: signedUp.data?.member.id as string,
    ...(signedUp.data?.tokens as Tokens),
  };
}

describe('accounts and sessions', () => {
  let server: TestServer;
  const logs: string[] = [];
  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logs.push(chunk.toString());
        done();
      },
    });
    server = await startTestServer({ logger: createLogger('debug', sink) });
  });
  afterAll(async () => {
    await server.close();
  });

  test('first-run setup works once: afterwards setup is neither required nor possible', async () => {
    const required = await server.requestAs<{ setupRequired: boolean }, unknown>(
      undefined,
      '{ setupRequired }',
    );
    expect(required.data).toEqual({ setupRequired: false });
    expect(await server.studio.services.auth.issueSetupToken()).toBeUndefined();
    const again = await call(
      server,
      'completeSetup',
      {
        setupToken: 'mst_whatever',
        email: 'x@example.test',
        password: PASSWORD,
        name: 'X',
        workspaceName: 'W',
      },
      'user { id }',
    );
    expect(again.data?.userErrors).toEqual([
      { code: 'CONFLICT', field: null, message: 'this Studio is already set up; sign in instead' },
    ]);
  });

  test('login returns a 15-minute access token and a 30-day refresh token', async () => {
    const started = Date.now();
    const { data } = await call<{
      user: { email: string };
      tokens: Tokens & {
        accessTokenExpiresAt: string;
        refreshTokenExpiresAt: string;
        csrfToken: null;
      };
    }>(
      server,
      'login',
      { email: ` ${server.owner.email.toUpperCase()} `, password: server.owner.password },
      `user { email } ${TOKENS}`,
    );
    expect(data?.user.email).toBe(server.owner.email);
    const tokens = data?.tokens;
    expect(tokens?.refreshToken).toMatch(/^mrt_[A-Za-z0-9_-]{43}$/);
    expect(tokens?.csrfToken).toBeNull();
    const accessLife = Date.parse(tokens?.accessTokenExpiresAt ?? '') - started;
    const refreshLife = Date.parse(tokens?.refreshTokenExpiresAt ?? '') - started;
    expect(Math.round(accessLife / 60_000)).toBe(15);
    expect(Math.round(refreshLife / 86_400_000)).toBe(30);
    expect((await whoAmI(server, tokens?.accessToken)).data?.viewer).toEqual({
      kind: 'USER',
      user: { email: server.owner.email },
      authenticationError: null,
    });
  });

  test('a wrong password and an unknown email fail alike, and nothing about the account leaks', async () => {
    const wrong = await login(server, server.owner.email, 'not the password');
    const unknown = await login(server, 'nobody@example.test', 'not the password');
    expect(wrong.data).toBeUndefined();
    expect(wrong.error).toMatchObject({
      message: 'the email or password is wrong',
      extensions: { code: 'UNAUTHENTICATED' },
    });
    expect(unknown.error).toEqual(wrong.error);
    const empty = await login(server, '  ', 'x');
    expect(empty.data?.userErrors).toEqual([
      { code: 'BAD_USER_INPUT', field: ['email'], message: 'email must not be empty' },
    ]);
  });

  test('every refresh rotates; a rotated token used again revokes the whole session and is audited', async () => {
    const first = (await login(server, server.owner.email, server.owner.password)).data
      ?.tokens as Tokens;
    const second = await call<{ tokens: Tokens }>(
      server,
      'refreshSession',
      { refreshToken: first.refreshToken },
      TOKENS,
    );
    const rotated = second.data?.tokens as Tokens;
    expect(rotated.refreshToken).not.toBe(first.refreshToken);
    expect((await whoAmI(server, rotated.accessToken)).data?.viewer.kind).toBe('USER');

    const reuse = await call(
      server,
      'refreshSession',
      { refreshToken: first.refreshToken },
      TOKENS,
    );
    expect(reuse.error).toMatchObject({
      extensions: { code: 'UNAUTHENTICATED' },
      message:
        'the refresh token was already used; every token of its session has been revoked, sign in again',
    });
    // The thief's and the owner's next refresh both fail now.
    const after = await call(
      server,
      'refreshSession',
      { refreshToken: rotated.refreshToken },
      TOKENS,
    );
    expect(after.error?.message).toBe('the refresh token was revoked; sign in again');

    const audit = await server.query<
      { workspace: { auditLog: { nodes: { action: string; subject: { email: string } }[] } } },
      unknown
    >(
      'query($id: ID!) { workspace(id: $id) { auditLog(actions: ["refresh_token.reused"]) { nodes { action subject { email } } } } }',
      { id: server.owner.workspaceId },
    );
    expect(audit.workspace.auditLog.nodes).toEqual([
      { action: 'refresh_token.reused', subject: { email: server.owner.email } },
    ]);
  });

  test('refresh refuses tokens that are unknown, and logout signs the session out', async () => {
    const unknown = await call(
      server,
      'refreshSession',
      { refreshToken: `mrt_${'A'.repeat(43)}` },
      TOKENS,
    );
    expect(unknown.error?.message).toBe('the refresh token is not valid');
    const none = await call(server, 'refreshSession', {}, TOKENS);
    expect(none.error?.message).toBe('no refresh token: pass refreshToken, or sign in again');
    const session = (await login(server, server.owner.email, server.owner.password)).data
      ?.tokens as Tokens;
    const out = await call<{ signedOut: boolean }>(
      server,
      'logout',
      { refreshToken: session.refreshToken },
      'signedOut',
    );
    expect(out.data?.signedOut).toBe(true);
    const refreshed = await call(
      server,
      'refreshSession',
      { refreshToken: session.refreshToken },
      TOKENS,
    );
    expect(refreshed.error?.message).toBe('the refresh token was revoked; sign in again');
  });

  test('bad input to the account mutations names the field and creates nothing', async () => {
    const setup = (input: Record<string, unknown>) =>
      call(
        server,
        'completeSetup',
        {
          setupToken: 'mst_x',
          email: 'a@example.test',
          password: PASSWORD,
          name: 'A',
          workspaceName: 'W',
          ...input,
        },
        'user { id }',
      );
    expect((await setup({ email: 'not-an-email' })).data?.userErrors).toEqual([
      {
        code: 'BAD_USER_INPUT',
        field: ['email'],
        message: 'email must be an email address like name@example.com',
      },
    ]);
    expect((await setup({ password: 'short' })).data?.userErrors).toEqual([
      {
        code: 'BAD_USER_INPUT',
        field: ['password'],
        message: 'password must be at least 10 characters',
      },
    ]);
    expect((await setup({ workspaceName: ' ' })).data?.userErrors).toEqual([
      {
        code: 'BAD_USER_INPUT',
        field: ['workspaceName'],
        message: 'workspaceName must not be empty',
      },
    ]);

    const { token } = await ok<{ token: string }>(
      server,
      'createInvite',
      { workspaceId: server.owner.workspaceId, role: 'VIEWER' },
      'token',
    );
    const email = `bad-${random()}@example.test`;
    const short = await call(
      server,
      'signUp',
      { inviteToken: token, email, password: 'short', name: 'B' },
      'user { id }',
    );
    expect(short.data?.userErrors).toEqual([
      {
        code: 'BAD_USER_INPUT',
        field: ['password'],
        message: 'password must be at least 10 characters',
      },
    ]);
    const taken = await call(
      server,
      'signUp',
      { inviteToken: token, email: server.owner.email, password: PASSWORD, name: 'B' },
      'user { id }',
    );
    expect(taken.data?.userErrors).toEqual([
      {
        code: 'CONFLICT',
        field: ['email'],
        message: 'an account with this email already exists; sign in to accept',
      },
    ]);
    // Neither attempt used the invite up.
    const good = await call(
      server,
      'signUp',
      { inviteToken: token, email, password: PASSWORD, name: 'B' },
      'user { email }',
    );
    expect(good.data).toMatchObject({ user: { email }, userErrors: [] });

    const member = await addMember(server, server.owner.workspaceId, MemberRole.DEVELOPER);
    const project = await server.factory.project({
      workspaceId: server.owner.workspaceId,
      remoteUrl: `https://github.com/acme/pr-${random()}`,
    });
    const admin = await mutation(server, 'setProjectRole', {
      memberId: member.memberId,
      projectId: project.id,
      role: 'ADMIN',
    });
    expect(admin.userErrors).toEqual([
      {
        code: 'BAD_USER_INPUT',
        field: ['role'],
        message: 'a project role is one of ARCHITECT, LEAD, DEVELOPER, VIEWER',
      },
    ]);
    const none = await mutation(server, 'setProjectRole', {
      memberId: member.memberId,
      projectId: project.id,
      role: null,
    });
    expect(none.userErrors).toEqual([
      {
        code: 'CONFLICT',
        field: ['memberId'],
        message: 'the member holds no role on this project',
      },
    ]);
    const unknownRole = await server.request(
      'mutation { updateMember(input: { memberId: "mem_0000000000000000000000", role: EMPEROR }) { member { id } } }',
    );
    expect(unknownRole.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  describe('JWT attacks are UNAUTHENTICATED', () => {
    const ownerSub = () => server.owner.userId;
    const key = () => deriveKey(server.studio.secret);
    const sign = (
      payload: JWTPayload,
      header: { alg: string; kid?: string; typ?: string },
      secret: Parameters<SignJWT['sign']>[0] = key().key,
    ) =>
      new SignJWT(payload)
        .setProtectedHeader({ typ: TOKEN_USES.access.typ, kid: key().kid, ...header })
        .sign(secret);
    const valid = (overrides: JWTPayload = {}): JWTPayload => ({
      iss: JWT_ISSUER,
      aud: TOKEN_USES.access.audience,
      sub: ownerSub(),
      iat: Math.floor(Date.now() / 1000),
      exp: Math.floor(Date.now() / 1000) + 600,
      ...overrides,
    });
    const reasonFor = async (token: string) => {
      const response = await whoAmI(server, token);
      expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(response.data).toBeNull();
      return (
        await server.requestAs<{ viewer: { authenticationError: string } }, unknown>(
          token,
          '{ viewer { authenticationError } }',
        )
      ).data?.viewer.authenticationError;
    };

    test('a well-formed token of our own signing is accepted (the control)', async () => {
      const token = await sign(valid(), { alg: 'HS256' });
      expect((await whoAmI(server, token)).data?.viewer.kind).toBe('USER');
    });

    test('alg "none"', async () => {
      const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const token = `${encode({ alg: 'none', typ: TOKEN_USES.access.typ, kid: key().kid })}.${encode(valid())}.`;
      expect(await reasonFor(token)).toBe('the access token is not signed with HS256');
    });

    test('algorithm confusion: HS512 with our key, RS256 with a key of the attacker’s', async () => {
      expect(await reasonFor(await sign(valid(), { alg: 'HS512' }))).toBe(
        'the access token is not signed with HS256',
      );
      const { privateKey } = await generateKeyPair('RS256');
      expect(await reasonFor(await sign(valid(), { alg: 'RS256' }, privateKey))).toBe(
        'the access token is not signed with HS256',
      );
    });

    test('a tampered payload', async () => {
      const token = await sign(valid(), { alg: 'HS256' });
      const [header, , signature] = token.split('.');
      const other = Buffer.from(
        JSON.stringify(valid({ sub: 'usr_0000000000000000000001' })),
      ).toString('base64url');
      expect(await reasonFor(`${header}.${other}.${signature}`)).toBe(
        'the access token is not valid',
      );
    });

    test('expired', async () => {
      const past = Math.floor(Date.now() / 1000) - 3600;
      expect(
        await reasonFor(await sign(valid({ iat: past - 900, exp: past }), { alg: 'HS256' })),
      ).toBe('the access token has expired');
    });

    test('wrong audience, issuer or type', async () => {
      expect(
        await reasonFor(
          await sign(valid({ aud: TOKEN_USES.cliInvite.audience }), { alg: 'HS256' }),
        ),
      ).toBe('the access token is not valid here (aud claim)');
      expect(
        await reasonFor(await sign(valid({ iss: 'urn:someone:else' }), { alg: 'HS256' })),
      ).toBe('the access token is not valid here (iss claim)');
      expect(await reasonFor(await sign(valid(), { alg: 'HS256', typ: 'JWT' }))).toBe(
        'the access token is not valid here (typ claim)',
      );
      // A CLI invite is a JWT of ours too, but it is no access token.
      const invite = await new TokenKeys(server.studio.secret).sign('cliInvite', {
        subject: ownerSub(),
        ttlSeconds: 60,
      });
      expect(await reasonFor(invite.token)).toBe('the access token is not valid here (typ claim)');
    });

    test('an unknown key id, and a key this Studio does not hold', async () => {
      expect(await reasonFor(await sign(valid(), { alg: 'HS256', kid: 'nope' }))).toBe(
        'the access token was signed with a key this Studio does not know',
      );
      const stranger = deriveKey(randomBytes(32).toString('hex'));
      expect(
        await reasonFor(await sign(valid(), { alg: 'HS256', kid: key().kid }, stranger.key)),
      ).toBe('the access token is not valid');
    });

    test('a rotated secret keeps its tokens valid while listed in MAESTRO_SECRET_PREVIOUS', async () => {
      const old = await sign(valid(), { alg: 'HS256' });
      const rotated = await startTestServer({
        database: server.studio.database,
        env: {
          MAESTRO_SECRET: randomBytes(32).toString('hex'),
          MAESTRO_SECRET_PREVIOUS: server.studio.secret,
        },
      });
      try {
        expect((await whoAmI(rotated, old)).data?.viewer.kind).toBe('USER');
      } finally {
        await rotated.close();
      }
    });
  });

  describe('browser sessions: httpOnly cookies and CSRF', () => {
    const post = (body: object, headers: Record<string, string> = {}) =>
      fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
    const cookiesOf = (response: Response) =>
      Object.fromEntries(
        response.headers.getSetCookie().map((line) => {
          const [pair = ''] = line.split(';');
          const index = pair.indexOf('=');
          return [pair.slice(0, index), { value: decodeURIComponent(pair.slice(index + 1)), line }];
        }),
      );

    test('login sets the cookies; requests need the CSRF token; refresh and logout use the cookie', async () => {
      const response = await post({
        query: `mutation($i: LoginInput!) { login(input: $i) { ${TOKENS} } }`,
        variables: {
          i: { email: server.owner.email, password: server.owner.password, delivery: 'COOKIE' },
        },
      });
      const body = (await response.json()) as {
        data: { login: { tokens: { accessToken: null; refreshToken: null; csrfToken: string } } };
      };
      expect(body.data.login.tokens).toMatchObject({ accessToken: null, refreshToken: null });
      const cookies = cookiesOf(response);
      expect(cookies.maestro_access?.line).toMatch(
        /^maestro_access=[^;]+; Path=\/; Max-Age=(8[6-9]\d|900); SameSite=Lax; HttpOnly$/,
      );
      expect(cookies.maestro_refresh?.line).toMatch(
        /; Path=\/graphql; Max-Age=259\d{4}; SameSite=Strict; HttpOnly$/,
      );
      expect(cookies.maestro_csrf?.line).toMatch(/; Path=\/; Max-Age=259\d{4}; SameSite=Strict$/);
      expect(cookies.maestro_csrf?.value).toBe(body.data.login.tokens.csrfToken);
      const jar = ['maestro_access', 'maestro_refresh', 'maestro_csrf']
        .map((name) => `${name}=${cookies[name]?.value}`)
        .join('; ');
      const csrf = cookies.maestro_csrf?.value as string;

      const viewer = { query: '{ viewer { kind authenticationError } }' };
      const withoutCsrf = (await (await post(viewer, { cookie: jar })).json()) as {
        data: { viewer: unknown };
      };
      expect(withoutCsrf.data.viewer).toEqual({
        kind: 'ANONYMOUS',
        authenticationError: 'the X-CSRF-Token header is missing or does not match the session',
      });
      const forged = (await (
        await post(viewer, { cookie: jar, 'x-csrf-token': 'guess' })
      ).json()) as { data: { viewer: { kind: string } } };
      expect(forged.data.viewer.kind).toBe('ANONYMOUS');
      const good = (await (await post(viewer, { cookie: jar, 'x-csrf-token': csrf })).json()) as {
        data: { viewer: { kind: string } };
      };
      expect(good.data.viewer.kind).toBe('USER');

      const refreshQuery = {
        query: `mutation { refreshSession(input: { delivery: COOKIE }) { ${TOKENS} } }`,
      };
      const refusedRefresh = (await (await post(refreshQuery, { cookie: jar })).json()) as {
        errors: { message: string }[];
      };
      expect(refusedRefresh.errors[0]?.message).toBe(
        'the X-CSRF-Token header is missing or does not match the session',
      );
      const refreshed = await post(refreshQuery, { cookie: jar, 'x-csrf-token': csrf });
      const renewed = cookiesOf(refreshed);
      expect(renewed.maestro_refresh?.value).not.toBe(cookies.maestro_refresh?.value);
      const newJar = ['maestro_access', 'maestro_refresh', 'maestro_csrf']
        .map((name) => `${name}=${renewed[name]?.value}`)
        .join('; ');

      const out = await post(
        { query: 'mutation { logout(input: {}) { signedOut } }' },
        { cookie: newJar, 'x-csrf-token': renewed.maestro_csrf?.value as string },
      );
      expect(((await out.json()) as { data: unknown }).data).toEqual({
        logout: { signedOut: true },
      });
      expect(Object.values(cookiesOf(out)).map((cookie) => cookie.line)).toEqual([
        expect.stringMatching(/^maestro_access=; Path=\/; Max-Age=0;/),
        expect.stringMatching(/^maestro_refresh=; Path=\/graphql; Max-Age=0;/),
        expect.stringMatching(/^maestro_csrf=; Path=\/; Max-Age=0;/),
      ]);
    });
  });

  describe('invites', () => {
    test('a workspace invite carries its role, works once, and is audited', async () => {
      const person = await invitedUser(server, server.owner.workspaceId, MemberRole.LEAD);
      const mine = await server.requestAs<
        { viewer: { memberships: { role: string; scope: string }[] } },
        unknown
      >(person.accessToken, '{ viewer { memberships { role scope } } }');
      expect(mine.data?.viewer.memberships).toEqual([{ role: 'LEAD', scope: 'WORKSPACE' }]);
      const audit = await server.query<
        {
          workspace: {
            auditLog: { nodes: { action: string; details: Record<string, unknown> }[] };
          };
        },
        unknown
      >(
        'query($id: ID!) { workspace(id: $id) { auditLog(actions: ["invite.issued", "invite.redeemed"], last: 2) { nodes { action details } } } }',
        { id: server.owner.workspaceId },
      );
      expect(audit.workspace.auditLog.nodes).toEqual([
        { action: 'invite.issued', details: { kind: 'WORKSPACE', role: 'LEAD' } },
        { action: 'invite.redeemed', details: { kind: 'WORKSPACE', role: 'LEAD' } },
      ]);
    });

    test('expired, used twice, revoked, wrong workspace, wrong account, wrong kind: each a clear error', async () => {
      const workspaceId = server.owner.workspaceId;
      const issue = async (extra: Record<string, unknown> = {}) =>
        ok<{ token: string; invite: { id: string } }>(
          server,
          'createInvite',
          { workspaceId, role: 'DEVELOPER', ...extra },
          'token invite { id }',
        );
      const signUp = (token: string, email = `u-${random()}@example.test`) =>
        call(
          server,
          'signUp',
          { inviteToken: token, email, password: PASSWORD, name: 'N' },
          'user { id }',
        );
      const errorsOf = async (promise: ReturnType<typeof signUp>) =>
        (await promise).data?.userErrors;

      const used = await issue();
      expect(await errorsOf(signUp(used.token))).toEqual([]);
      expect(await errorsOf(signUp(used.token))).toEqual([
        {
          code: 'BAD_USER_INPUT',
          field: ['token'],
          message: expect.stringMatching(
            /^this invite was already used on \d{4}-\d{2}-\d{2}; each invite works once$/,
          ),
        },
      ]);

      const expired = await issue();
      await server.studio.database.dataSource.manager.update(
        InviteEntity,
        { id: parsePublicIdOf('Invite', expired.invite.id) },
        { expiresAt: new Date('2026-01-02T00:00:00Z') },
      );
      expect(await errorsOf(signUp(expired.token))).toEqual([
        {
          code: 'BAD_USER_INPUT',
          field: ['token'],
          message: 'this invite expired on 2026-01-02; ask for a new one',
        },
      ]);

      const revoked = await issue();
      await ok(server, 'revokeInvite', { inviteId: revoked.invite.id }, 'invite { revokedAt }');
      expect(await errorsOf(signUp(revoked.token))).toEqual([
        {
          code: 'BAD_USER_INPUT',
          field: ['token'],
          message: 'this invite was revoked; ask for a new one',
        },
      ]);

      const other = await server.factory.workspace({ name: 'Beta' });
      const forHome = await issue();
      const accepted = await call(
        server,
        'acceptInvite',
        { token: forHome.token, workspaceId: other.id },
        'member { id }',
        await accessTokenFor(
          server,
          (await addMember(server, other.id, MemberRole.VIEWER)).userKey,
        ),
      );
      expect(accepted.data?.userErrors).toEqual([
        {
          code: 'BAD_USER_INPUT',
          field: ['workspaceId'],
          message: 'this invite is for the workspace "Home", not "Beta"',
        },
      ]);

      const addressed = await issue({ email: 'Someone@Example.test' });
      expect(await errorsOf(signUp(addressed.token, 'else@example.test'))).toEqual([
        {
          code: 'BAD_USER_INPUT',
          field: ['token'],
          message: 'this invite was sent to another email address; sign in with that account',
        },
      ]);
      expect(await errorsOf(signUp(addressed.token, 'someone@example.test'))).toEqual([]);

      expect(await errorsOf(signUp('min_unknown'))).toEqual([
        {
          code: 'BAD_USER_INPUT',
          field: ['token'],
          message: 'this invite is not valid; check the link or ask for a new one',
        },
      ]);
      const cli = await ok<{ token: string }>(server, 'createCliInvite', { workspaceId }, 'token');
      expect(await errorsOf(signUp(cli.token))).toEqual([
        {
          code: 'BAD_USER_INPUT',
          field: ['token'],
          message: 'this is a CLI invite; redeem it on your machine with `maestro auth <token>`',
        },
      ]);
      // Nothing half-made: the refused sign-ups created no accounts.
      const refusedLogin = await login(server, 'else@example.test', PASSWORD);
      expect(refusedLogin.error?.message).toBe('the email or password is wrong');
    });

    test('nobody invites above their own role; project invites grant project roles only', async () => {
      const admin = await invitedUser(server, server.owner.workspaceId, MemberRole.ADMIN);
      const asAdmin = await server.requestAs(
        admin.accessToken,
        'mutation($i: CreateInviteInput!) { createInvite(input: $i) { token } }',
        {
          i: { workspaceId: server.owner.workspaceId, role: 'OWNER' },
        },
      );
      expect(asAdmin.errors?.[0]).toMatchObject({
        message: 'an admin may not grant the owner role',
        extensions: { code: 'FORBIDDEN' },
      });
      const project = await server.factory.project({ workspaceId: server.owner.workspaceId });
      const projectAdmin = await mutation(server, 'createInvite', {
        workspaceId: server.owner.workspaceId,
        projectId: project.id,
        role: 'ADMIN',
      });
      expect(projectAdmin.userErrors[0]).toMatchObject({ code: 'BAD_USER_INPUT', field: ['role'] });
      const badEmail = await mutation(server, 'createInvite', {
        workspaceId: server.owner.workspaceId,
        role: 'VIEWER',
        email: 'not an email',
      });
      expect(badEmail.userErrors).toEqual([
        {
          code: 'BAD_USER_INPUT',
          field: ['email'],
          message: 'email must be an email address like name@example.com',
        },
      ]);
    });

    test('a project invite narrows what the member sees to that project', async () => {
      const workspaceId = server.owner.workspaceId;
      const seen = await server.factory.project({
        workspaceId,
        remoteUrl: `https://github.com/acme/seen-${random()}`,
      });
      const hidden = await server.factory.project({
        workspaceId,
        remoteUrl: `https://github.com/acme/hidden-${random()}`,
      });
      const { token } = await ok<{ token: string }>(
        server,
        'createInvite',
        { workspaceId, projectId: seen.id, role: 'LEAD' },
        'token',
      );
      const preview = await server.requestAs<{ invitePreview: Record<string, unknown> }, unknown>(
        undefined,
        'query($t: String!) { invitePreview(token: $t) { kind role workspaceName projectName } }',
        { t: token },
      );
      expect(preview.data?.invitePreview).toEqual({
        kind: 'PROJECT',
        role: 'LEAD',
        workspaceName: 'Home',
        projectName: seen.name,
      });
      const person = await call<{
        tokens: Tokens;
        member: { scope: string; role: string; projectRoles: unknown[] };
      }>(
        server,
        'signUp',
        { inviteToken: token, email: `p-${random()}@example.test`, password: PASSWORD, name: 'P' },
        `${TOKENS} member { scope role projectRoles { role project { id } } }`,
      );
      expect(person.data?.member).toEqual({
        scope: 'PROJECTS',
        role: 'VIEWER',
        projectRoles: [{ role: 'LEAD', project: { id: seen.id } }],
      });
      const as = (source: string, variables?: Record<string, unknown>) =>
        server.requestAs(person.data?.tokens.accessToken, source, variables);
      const listed = await as(
        'query($w: ID!) { workspace(id: $w) { projects { totalCount nodes { id } } } }',
        { w: workspaceId },
      );
      expect(listed.data).toEqual({
        workspace: { projects: { totalCount: 1, nodes: [{ id: seen.id }] } },
      });
      const planned = await as(
        'mutation($i: CreatePlanInput!) { createPlan(input: $i) { plan { name } } }',
        { i: { projectId: seen.id, name: 'Mine' } },
      );
      expect(planned.data).toEqual({ createPlan: { plan: { name: 'Mine' } } });
      const other = await as('query($id: ID!) { project(id: $id) { name } }', { id: hidden.id });
      expect(other.errors?.[0]).toMatchObject({
        message: 'you are not a member of this project',
        extensions: { code: 'FORBIDDEN' },
      });
    });

    test('a CLI invite is a one-time JWT: redeeming returns identity, tokens and projects', async () => {
      const workspaceId = server.owner.workspaceId;
      const created = await ok<{
        token: string;
        command: string;
        invite: { kind: string; expiresAt: string };
      }>(server, 'createCliInvite', { workspaceId }, 'token command invite { kind expiresAt }');
      expect(created.command).toBe(`maestro auth ${created.token}`);
      expect(created.token.split('.')).toHaveLength(3);
      const machine = { id: `m-${random()}`, name: 'build-box' };
      const redeemed = await call<{
        user: { id: string };
        workspace: { id: string };
        projects: { id: string }[];
        tokens: Tokens & { accessTokenExpiresAt: string };
      }>(
        server,
        'redeemCliInvite',
        { token: created.token, machine },
        `user { id } workspace { id } projects { id } ${TOKENS}`,
      );
      expect(redeemed.data?.user.id).toBe(server.owner.userId);
      expect(redeemed.data?.workspace.id).toBe(workspaceId);
      const projects = await server.query<
        { workspace: { projects: { nodes: { id: string }[] } } },
        unknown
      >('query($w: ID!) { workspace(id: $w) { projects(first: 100) { nodes { id } } } }', {
        w: workspaceId,
      });
      expect(redeemed.data?.projects.map((p) => p.id).sort()).toEqual(
        projects.workspace.projects.nodes.map((p) => p.id).sort(),
      );
      const session = redeemed.data?.tokens as Tokens;
      expect((await whoAmI(server, session.accessToken)).data?.viewer.kind).toBe('USER');
      const refreshed = await call<{ tokens: Tokens }>(
        server,
        'refreshSession',
        { refreshToken: session.refreshToken },
        TOKENS,
      );
      expect(refreshed.data?.tokens.accessToken).toBeTruthy();

      const twice = await call(
        server,
        'redeemCliInvite',
        { token: created.token, machine },
        'user { id }',
      );
      expect(twice.data?.userErrors).toEqual([
        {
          code: 'BAD_USER_INPUT',
          field: ['token'],
          message: expect.stringMatching(/^this invite was already used on /),
        },
      ]);
      const forged = await call(
        server,
        'redeemCliInvite',
        { token: `${created.token}x`, machine },
        'user { id }',
      );
      expect(forged.error).toMatchObject({
        message: 'the CLI invite is not valid',
        extensions: { code: 'UNAUTHENTICATED' },
      });
      const fresh = await ok<{ token: string }>(
        server,
        'createCliInvite',
        { workspaceId },
        'token',
      );
      const badMachine = await call(
        server,
        'redeemCliInvite',
        { token: fresh.token, machine: { id: 'has spaces', name: 'x' } },
        'user { id }',
      );
      expect(badMachine.data?.userErrors).toEqual([
        {
          code: 'BAD_USER_INPUT',
          field: ['machine.id'],
          message: 'machine.id must be 1-128 letters, digits, ".", "_", ":" or "-"',
        },
      ]);
    });
  });

  describe('API tokens', () => {
    test('shown once, hashed, scoped, bound, with last use; revoked tokens stop at once', async () => {
      const workspaceId = server.owner.workspaceId;
      const project = await server.factory.project({
        workspaceId,
        remoteUrl: `https://github.com/acme/bot-${random()}`,
      });
      const other = await server.factory.project({
        workspaceId,
        remoteUrl: `https://github.com/acme/other-${random()}`,
      });
      const created = await ok<{
        token: string;
        apiToken: { id: string; prefix: string; scopes: string[]; lastUsedAt: null };
      }>(
        server,
        'createApiToken',
        { workspaceId, projectId: project.id, name: 'CI bot', scopes: ['READ', 'WRITE'] },
        'token apiToken { id prefix scopes lastUsedAt }',
      );
      expect(created.token).toMatch(/^mtk_[A-Za-z0-9_-]{43}$/);
      expect(created.apiToken).toMatchObject({
        prefix: `${created.token.slice(0, 9)}…`,
        scopes: ['READ', 'WRITE'],
        lastUsedAt: null,
      });
      const stored = JSON.stringify(
        await server.studio.database.dataSource.query('SELECT * FROM api_token'),
      );
      expect(stored).not.toContain(created.token.slice(4));

      const as = (source: string, variables?: Record<string, unknown>) =>
        server.requestAs(created.token, source, variables);
      const plan = await as(
        'mutation($i: CreatePlanInput!) { createPlan(input: $i) { plan { id } } }',
        { i: { projectId: project.id, name: 'By the bot' } },
      );
      expect(plan.errors).toBeUndefined();
      const activate = await as(
        'mutation($i: SetPlanStatusInput!) { setPlanStatus(input: $i) { plan { id } } }',
        {
          i: {
            planId: (plan.data as { createPlan: { plan: { id: string } } }).createPlan.plan.id,
            status: 'ACTIVE',
          },
        },
      );
      expect(activate.errors?.[0]?.message).toBe(
        'this API token lacks the DISPATCH scope needed to plan transition',
      );
      const elsewhere = await as('query($id: ID!) { project(id: $id) { name } }', { id: other.id });
      expect(elsewhere.errors?.[0]?.message).toBe('this API token is limited to another project');
      const listed = await as(
        'query($w: ID!) { workspace(id: $w) { projects { nodes { id } } } }',
        { w: workspaceId },
      );
      expect(listed.data).toEqual({ workspace: { projects: { nodes: [{ id: project.id }] } } });
      const manage = await as(
        'mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token } }',
        { i: { workspaceId, name: 'x', scopes: ['READ'] } },
      );
      expect(manage.errors?.[0]?.message).toBe('API tokens may not api token manage');
      const viewer = await as('{ viewer { kind user { email } } }');
      expect(viewer.data).toEqual({
        viewer: { kind: 'API_TOKEN', user: { email: server.owner.email } },
      });

      const listedTokens = await server.query<
        { workspace: { apiTokens: { nodes: { name: string; lastUsedAt: string | null }[] } } },
        unknown
      >('query($w: ID!) { workspace(id: $w) { apiTokens { nodes { name lastUsedAt } } } }', {
        w: workspaceId,
      });
      expect(
        listedTokens.workspace.apiTokens.nodes.find((t) => t.name === 'CI bot')?.lastUsedAt,
      ).toEqual(expect.any(String));

      await ok(
        server,
        'revokeApiToken',
        { apiTokenId: created.apiToken.id },
        'apiToken { revokedAt }',
      );
      const after = await as('{ workspaces { totalCount } }');
      expect(after.errors?.[0]).toMatchObject({
        message: 'the API token was revoked',
        extensions: { code: 'UNAUTHENTICATED' },
      });
      const again = await mutation(server, 'revokeApiToken', { apiTokenId: created.apiToken.id });
      expect(again.userErrors).toEqual([
        { code: 'CONFLICT', field: ['apiTokenId'], message: 'this API token is already revoked' },
      ]);
    });

    test('bad input is refused naming the field', async () => {
      const workspaceId = server.owner.workspaceId;
      expect(
        (await mutation(server, 'createApiToken', { workspaceId, name: 'x', scopes: [] }))
          .userErrors[0],
      ).toMatchObject({ field: ['scopes'], code: 'BAD_USER_INPUT' });
      expect(
        (await mutation(server, 'createApiToken', { workspaceId, name: ' ', scopes: ['READ'] }))
          .userErrors[0],
      ).toMatchObject({ field: ['name'], code: 'BAD_USER_INPUT' });
      expect(
        (
          await mutation(server, 'createApiToken', {
            workspaceId,
            name: 'x',
            scopes: ['READ'],
            expiresInDays: 0,
          })
        ).userErrors[0],
      ).toMatchObject({ field: ['expiresInDays'], code: 'BAD_USER_INPUT' });
    });

    test('a token acts with at most its creator’s current role', async () => {
      const admin = await invitedUser(server, server.owner.workspaceId, MemberRole.ADMIN);
      const created = await server.requestAs<{ createApiToken: { token: string } }, unknown>(
        admin.accessToken,
        'mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token } }',
        {
          i: {
            workspaceId: server.owner.workspaceId,
            name: 'admin bot',
            scopes: ['READ', 'WRITE'],
          },
        },
      );
      const token = created.data?.createApiToken.token as string;
      expect(
        (await server.requestAs(token, '{ workspaces { totalCount } }')).errors,
      ).toBeUndefined();
      await ok(
        server,
        'updateMember',
        { memberId: admin.memberId, role: 'VIEWER' },
        'member { role }',
      );
      const write = await server.requestAs(
        token,
        'mutation($i: CreateSkillInput!) { createSkill(input: $i) { skill { id } } }',
        { i: { workspaceId: server.owner.workspaceId, name: `K ${random()}` } },
      );
      expect(write.errors?.[0]?.message).toBe('a viewer may not skill manage');
      await ok(server, 'removeMember', { memberId: admin.memberId }, 'deletedId');
      const read = await server.requestAs(token, 'query($w: ID!) { workspace(id: $w) { name } }', {
        w: server.owner.workspaceId,
      });
      expect(read.errors?.[0]?.message).toBe(
        'the API token’s creator is no longer a member of this workspace',
      );
    });
  });

  describe('roles', () => {
    test('role changes are audited; owners are protected; a workspace keeps an owner', async () => {
      const workspaceId = (await server.factory.workspace({ name: `Roles ${random()}` })).id;
      const ownerMember = (
        await server.query<{ workspace: { members: { id: string; role: string }[] } }, unknown>(
          'query($w: ID!) { workspace(id: $w) { members { id role } } }',
          { w: workspaceId },
        )
      ).workspace.members[0]?.id as string;
      const admin = await addMember(server, workspaceId, MemberRole.ADMIN);
      const adminToken = await accessTokenFor(server, admin.userKey);
      const dev = await addMember(server, workspaceId, MemberRole.DEVELOPER);
      const asAdmin = (name: string, input: Record<string, unknown>) =>
        server.requestAs<Record<string, { userErrors: unknown[] }>, unknown>(
          adminToken,
          `mutation($i: ${name[0]?.toUpperCase()}${name.slice(1)}Input!) { ${name}(input: $i) { userErrors { code message } } }`,
          { i: input },
        );

      expect(
        (await asAdmin('updateMember', { memberId: dev.memberId, role: 'LEAD' })).data?.updateMember
          ?.userErrors,
      ).toEqual([]);
      expect(
        (await asAdmin('updateMember', { memberId: dev.memberId, role: 'OWNER' })).errors?.[0]
          ?.message,
      ).toBe('an admin may not grant the owner role');
      expect(
        (await asAdmin('updateMember', { memberId: ownerMember, role: 'VIEWER' })).errors?.[0]
          ?.message,
      ).toBe('only an owner may change or remove an owner');
      expect((await asAdmin('removeMember', { memberId: ownerMember })).errors?.[0]?.message).toBe(
        'only an owner may change or remove an owner',
      );
      const last = await mutation(server, 'updateMember', { memberId: ownerMember, role: 'ADMIN' });
      expect(last.userErrors).toEqual([
        {
          code: 'CONFLICT',
          field: ['memberId'],
          message: 'a workspace needs at least one owner; make someone else owner first',
        },
      ]);
      const audit = await server.query<
        {
          workspace: {
            auditLog: { nodes: { action: string; details: unknown; actor: { id: string } }[] };
          };
        },
        unknown
      >(
        'query($w: ID!) { workspace(id: $w) { auditLog(actions: ["member.role_changed"]) { nodes { action details actor { id } } } } }',
        { w: workspaceId },
      );
      expect(audit.workspace.auditLog.nodes).toEqual([
        {
          action: 'member.role_changed',
          details: { from: 'DEVELOPER', to: 'LEAD' },
          actor: { id: admin.userId },
        },
      ]);
      const viewerLog = await server.requestAs(
        await accessTokenFor(server, dev.userKey),
        'query($w: ID!) { workspace(id: $w) { auditLog { totalCount } } }',
        { w: workspaceId },
      );
      expect(viewerLog.errors?.[0]?.message).toBe('a lead may not audit read');
    });
  });

  test('changePassword checks the current password and signs other sessions out', async () => {
    const person = await invitedUser(server, server.owner.workspaceId, MemberRole.DEVELOPER);
    const other = (await login(server, person.email, PASSWORD)).data?.tokens as Tokens;
    const wrong = await call(
      server,
      'changePassword',
      { currentPassword: 'nope nope nope', newPassword: 'another fine password' },
      'user { id }',
      person.accessToken,
    );
    expect(wrong.data?.userErrors).toEqual([
      { code: 'BAD_USER_INPUT', field: ['currentPassword'], message: 'currentPassword is wrong' },
    ]);
    const short = await call(
      server,
      'changePassword',
      { currentPassword: PASSWORD, newPassword: 'short' },
      'user { id }',
      person.accessToken,
    );
    expect(short.data?.userErrors).toEqual([
      {
        code: 'BAD_USER_INPUT',
        field: ['newPassword'],
        message: 'newPassword must be at least 10 characters',
      },
    ]);
    const done = await call(
      server,
      'changePassword',
      { currentPassword: PASSWORD, newPassword: 'another fine password' },
      'user { id }',
      person.accessToken,
    );
    expect(done.data?.userErrors).toEqual([]);
    expect(
      (await call(server, 'refreshSession', { refreshToken: other.refreshToken }, TOKENS)).error
        ?.message,
    ).toBe('the refresh token was revoked; sign in again');
    expect(
      (await call(server, 'refreshSession', { refreshToken: person.refreshToken }, TOKENS)).error,
    ).toBeUndefined();
    expect((await login(server, person.email, PASSWORD)).error?.message).toBe(
      'the email or password is wrong',
    );
    expect((await login(server, person.email, 'another fine password')).error).toBeUndefined();
  });

  describe('subscriptions', () => {
    const socket = (
      connectionParams: Record<string, unknown> | (() => Promise<Record<string, unknown>>),
      closes: number[],
    ) =>
      createClient({
        url: server.wsUrl,
        webSocketImpl: WebSocket,
        lazy: true,
        retryAttempts: 3,
        retryWait: () => new Promise((resolve) => setTimeout(resolve, 50)),
        connectionParams,
        on: { closed: (event) => closes.push((event as { code: number }).code) },
      });

    test('connection_init without valid credentials is closed with 4403', async () => {
      for (const params of [
        {},
        { authorization: 'Bearer nope' },
        { authorization: 'Basic b3duZXI6cHc=' },
      ]) {
        const closes: number[] = [];
        const client = createClient({
          url: server.wsUrl,
          webSocketImpl: WebSocket,
          retryAttempts: 0,
          connectionParams: params,
          on: { closed: (event) => closes.push((event as { code: number }).code) },
        });
        const failed = await new Promise<unknown>((resolve) =>
          client.subscribe(
            { query: '{ viewer { kind } }' },
            { next: () => undefined, error: resolve, complete: () => resolve('completed') },
          ),
        );
        expect(failed).not.toBe('completed');
        expect(closes).toEqual([4403]);
        await client.dispose();
      }
    });

    test('a socket is closed with 4403 when its access token expires; the client re-initialises and the stream goes on', async () => {
      const keys = new TokenKeys(server.studio.secret);
      const project = await server.factory.project({
        workspaceId: server.owner.workspaceId,
        remoteUrl: `https://github.com/acme/ws-${random()}`,
      });
      const tokens: string[] = [];
      const closes: number[] = [];
      const client = socket(async () => {
        const { token } = await keys.sign('access', {
          subject: server.owner.userId,
          ttlSeconds: tokens.length === 0 ? 2 : 600,
        });
        tokens.push(token);
        return { authorization: `Bearer ${token}` };
      }, closes);
      const seqs: number[] = [];
      client.subscribe(
        {
          query: 'subscription($p: ID!) { projectEvents(projectId: $p, after: 0) { seq } }',
          variables: { p: project.id },
        },
        {
          next: (value) =>
            seqs.push((value.data as { projectEvents: { seq: number } }).projectEvents.seq),
          error: () => undefined,
          complete: () => undefined,
        },
      );
      await expectEventually(() => expect(seqs).toEqual([1]));
      await expectEventually(() => expect(closes).toEqual([4403]), { timeoutMs: 8000 });
      await expectEventually(() => expect(tokens).toHaveLength(2));
      await ok(
        server,
        'updateProject',
        { projectId: project.id, name: 'Renamed live' },
        'project { id }',
      );
      await expectEventually(() => expect(seqs.at(-1)).toBeGreaterThan(1));
      await client.dispose();
    }, 20_000);
  });

  test('a socket opened with an API token is closed with 4403 once the token is revoked', async () => {
    const quick = await startTestServer({
      database: server.studio.database,
      credentialRecheckMs: 100,
    });
    try {
      const created = await ok<{ token: string; apiToken: { id: string } }>(
        quick,
        'createApiToken',
        { workspaceId: quick.owner.workspaceId, name: `live-${random()}`, scopes: ['READ'] },
        'token apiToken { id }',
      );
      const project = await quick.factory.project({
        workspaceId: quick.owner.workspaceId,
        remoteUrl: `https://github.com/acme/live-${random()}`,
      });
      const closes: number[] = [];
      const client = createClient({
        url: quick.wsUrl,
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        connectionParams: { authorization: `Bearer ${created.token}` },
        on: { closed: (event) => closes.push((event as { code: number }).code) },
      });
      const seqs: number[] = [];
      client.subscribe(
        {
          query: 'subscription($p: ID!) { projectEvents(projectId: $p, after: 0) { seq } }',
          variables: { p: project.id },
        },
        {
          next: (value) =>
            seqs.push((value.data as { projectEvents: { seq: number } }).projectEvents.seq),
          error: () => undefined,
          complete: () => undefined,
        },
      );
      await expectEventually(() => expect(seqs).toEqual([1]));
      await ok(quick, 'revokeApiToken', { apiTokenId: created.apiToken.id }, 'apiToken { id }');
      await expectEventually(() => expect(closes).toEqual([4403]));
      await client.dispose();
    } finally {
      await quick.close();
    }
  });

  test('no password, token or secret ever appears in the logs', async () => {
    // Everything above went through this Studio: setup, logins, refreshes, invites, API
    // tokens, CLI invites, cookies. Run one more full flow, then search the whole log.
    const secrets = new Set<string>([
      server.studio.secret,
      server.owner.password,
      server.owner.accessToken,
      server.owner.refreshToken,
      PASSWORD,
    ]);
    const person = await invitedUser(server, server.owner.workspaceId, MemberRole.DEVELOPER);
    secrets.add(person.accessToken).add(person.refreshToken);
    const refreshed = await call<{ tokens: Tokens }>(
      server,
      'refreshSession',
      { refreshToken: person.refreshToken },
      TOKENS,
    );
    secrets
      .add(refreshed.data?.tokens.accessToken as string)
      .add(refreshed.data?.tokens.refreshToken as string);
    const { token: apiToken } = await ok<{ token: string }>(
      server,
      'createApiToken',
      { workspaceId: server.owner.workspaceId, name: 'logged?', scopes: ['READ'] },
      'token',
    );
    secrets.add(apiToken);
    await server.requestAs(apiToken, '{ workspaces { totalCount } }');
    await login(server, person.email, 'a wrong password for the log');
    secrets.add('a wrong password for the log');
    const { token: cli } = await ok<{ token: string }>(
      server,
      'createCliInvite',
      { workspaceId: server.owner.workspaceId },
      'token',
    );
    secrets.add(cli);
    await call(
      server,
      'redeemCliInvite',
      { token: cli, machine: { id: 'm1', name: 'box' } },
      'user { id }',
    );
    const log = logs.join('');
    expect(log.length).toBeGreaterThan(10_000);
    expect(log).toContain('"msg":"request completed"');
    for (const secret of secrets) {
      expect([secret.slice(0, 12), log.includes(secret)]).toEqual([secret.slice(0, 12), false]);
    }
    expect(log).not.toMatch(
      /mrt_[A-Za-z0-9_-]{20}|mtk_[A-Za-z0-9_-]{20}|min_[A-Za-z0-9_-]{20}|eyJ[A-Za-z0-9_-]{20,}\./,
    );
  });
});

describe('login throttling', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      env: { MAESTRO_LOGIN_MAX_FAILURES: '3', MAESTRO_LOGIN_MAX_FAILURES_PER_ADDRESS: '6' },
    });
  });
  afterAll(async () => {
    await server.close();
  });

  test('per account: after the limit even the right password is refused, with the wait; audited', async () => {
    for (let n = 0; n < 3; n++) {
      expect(
        (await login(server, server.owner.email, 'wrong password')).error?.extensions?.code,
      ).toBe('UNAUTHENTICATED');
    }
    const locked = await login(server, server.owner.email, server.owner.password);
    expect(locked.error).toMatchObject({
      message: 'too many failed sign-ins for this account; try again in 15 minutes',
      extensions: { code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) },
    });
    expect(Number(locked.error?.extensions?.retryAfterSeconds)).toBeGreaterThan(800);
    const audit = await server.query<
      { workspace: { auditLog: { nodes: { action: string }[] } } },
      unknown
    >(
      'query($w: ID!) { workspace(id: $w) { auditLog(actions: ["login.failed", "login.locked"]) { nodes { action } } } }',
      { w: server.owner.workspaceId },
    );
    expect(audit.workspace.auditLog.nodes.map((n) => n.action)).toEqual([
      'login.failed',
      'login.failed',
      'login.locked',
    ]);
  });

  test('per address: many accounts from one address are stopped too', async () => {
    for (let n = 0; n < 3; n++) await login(server, `guess-${n}@example.test`, 'wrong password');
    const refused = await login(server, 'another@example.test', 'wrong password');
    expect(refused.error).toMatchObject({
      message: 'too many failed sign-ins for your address; try again in 15 minutes',
      extensions: { code: 'RATE_LIMITED' },
    });
  });
});
