import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { MemberRole } from '../src/domain/access/permissions.js';
import { parsePublicIdOf } from '../src/domain/common/public-id.js';
import {
  EmbeddingsResponseError,
  OpenAICompatibleEmbedder,
} from '../src/domain/knowledge/openai-embedder.js';
import type { ArtifactInput } from '../src/domain/knowledge/knowledge.service.js';
import { KnowledgeArtifactType } from '../src/domain/knowledge/knowledge.entity.js';
import { LocalLexicalEmbedder } from '../src/domain/knowledge/lexical-embedder.js';
import { expectEventually } from './support/expect-eventually.js';
import { accessTokenFor, addMember } from './support/members.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const { FUNCTION, SERVICE, COMPONENT, HELPER, MODULE, INTERFACE, WIDGET, PATTERN } =
  KnowledgeArtifactType;

/** A small codebase's worth of artifacts, in several languages and frameworks. */
const CORPUS: ArtifactInput[] = [
  {
    type: FUNCTION,
    name: 'parseProposal',
    language: 'TypeScript',
    summary: "Turns the planner's JSON output into phases and tasks, naming the field at fault.",
    fileRefs: [{ path: 'src/planning/proposal-parser.ts', startLine: 10, endLine: 80 }],
    structure: { input: 'string', output: 'Proposal' },
  },
  {
    type: SERVICE,
    name: 'BillingService',
    language: 'TypeScript',
    framework: 'NestJS',
    summary: 'Charges customer cards through Stripe and records invoices.',
    fileRefs: [{ path: 'src/billing/billing.service.ts' }],
    structure: { charge: 'method', refund: 'method' },
  },
  {
    type: COMPONENT,
    name: 'SubmitButton',
    language: 'TypeScript',
    framework: 'Svelte',
    summary: 'A primary button that shows a spinner while its form submits.',
    fileRefs: [{ path: 'web/src/lib/SubmitButton.svelte' }],
  },
  {
    type: HELPER,
    name: 'slugify',
    language: 'Python',
    summary: 'Turns a title into a URL-safe slug of lower-case words and hyphens.',
    fileRefs: [{ path: 'app/text.py' }],
  },
  {
    type: HELPER,
    name: 'formatCurrency',
    language: 'TypeScript',
    summary: 'Formats an amount of money with its currency symbol and two decimals.',
    fileRefs: [{ path: 'src/money/format.ts' }],
  },
  {
    type: MODULE,
    name: 'http_client',
    language: 'Go',
    summary: 'Retries outgoing requests with exponential backoff and jitter.',
    fileRefs: [{ path: 'internal/http_client/client.go' }],
  },
  {
    type: INTERFACE,
    name: 'UserRepository',
    language: 'Java',
    framework: 'Spring',
    summary: 'Loads and stores users in PostgreSQL.',
    fileRefs: [{ path: 'src/main/java/app/UserRepository.java' }],
  },
  {
    type: WIDGET,
    name: 'DatePicker',
    language: 'Dart',
    framework: 'Flutter',
    summary: 'A calendar popup for choosing a date range.',
    fileRefs: [{ path: 'lib/widgets/date_picker.dart' }],
  },
  {
    type: PATTERN,
    name: 'EventStore',
    language: 'TypeScript',
    summary: 'Appends events to a log and replays them to rebuild state.',
    fileRefs: [{ path: 'src/events/event-store.ts' }],
  },
  {
    type: SERVICE,
    name: 'EmailNotifier',
    language: 'Python',
    framework: 'Django',
    summary: 'Sends notification emails to users when their tasks change.',
    fileRefs: [{ path: 'app/notify.py' }],
  },
  {
    type: FUNCTION,
    name: 'validateWebhookSignature',
    language: 'Go',
    summary: 'Checks the HMAC of an incoming webhook against the shared secret.',
    fileRefs: [{ path: 'internal/webhooks/verify.go' }],
  },
];

interface Hit {
  score: number;
  vectorRank: number | null;
  textRank: number | null;
  artifact: { name: string; type: string; language: string | null; embeddingModel: string };
}

const SEARCH = `query($p: ID!, $q: String!, $t: [KnowledgeArtifactType!], $l: String, $f: String, $n: Int) {
  knowledgeSearch(projectId: $p, query: $q, type: $t, language: $l, framework: $f, first: $n) {
    score vectorRank textRank artifact { name type language embeddingModel }
  }
}`;

/**
 * A loopback OpenAI-compatible embeddings endpoint. Its vectors are the local embedder's with
 * the components reversed: a different space, as a different model's would be, that still
 * ranks texts sensibly. `mode` chooses how it answers.
 */
class FakeEmbeddings {
  readonly requests: Array<{ body: Record<string, unknown>; authorization: string | undefined }> =
    [];
  mode: 'float' | 'base64' | 'shuffled' | 'wrong-dimensions' | 'refuse' = 'float';
  private server: Server | undefined;
  private readonly local = new LocalLexicalEmbedder();

  static vector(text: string): number[] {
    return new LocalLexicalEmbedder().embedOne(text).reverse();
  }

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      void this.answer(request).then(({ status, body }) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(body));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }

  private async answer(request: IncomingMessage): Promise<{ status: number; body: unknown }> {
    let raw = '';
    for await (const chunk of request) raw += String(chunk);
    const body = JSON.parse(raw) as { input: string[]; model: string };
    this.requests.push({ body, authorization: request.headers.authorization });
    if (request.url !== '/v1/embeddings') return { status: 404, body: { error: 'not found' } };
    if (this.mode === 'refuse') {
      return { status: 400, body: { error: { message: 'model not loaded', type: 'invalid' } } };
    }
    const data = body.input.map((text, index) => {
      let embedding: number[] | string = this.local.embedOne(text).reverse();
      if (this.mode === 'wrong-dimensions') embedding = [...embedding, 0];
      if (this.mode === 'base64') {
        const bytes = Buffer.alloc(embedding.length * 4);
        embedding.forEach((value, i) => bytes.writeFloatLE(value, i * 4));
        embedding = bytes.toString('base64');
      }
      return { object: 'embedding', index, embedding };
    });
    if (this.mode === 'shuffled') data.reverse();
    return {
      status: 200,
      body: {
        object: 'list',
        model: body.model,
        data,
        usage: { prompt_tokens: 1, total_tokens: 1 },
      },
    };
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

describe('knowledge search', () => {
  let server: TestServer;
  let projectId: string;
  let projectKey: string;
  const fake = new FakeEmbeddings();
  let fakeUrl: string;

  beforeAll(async () => {
    server = await startTestServer();
    fakeUrl = await fake.start();
    const project = await server.factory.project({ workspaceId: server.owner.workspaceId });
    projectId = project.id;
    projectKey = parsePublicIdOf('Project', projectId) as string;
    await server.studio.services.knowledge.upsertArtifacts(projectKey, CORPUS);
  });
  afterAll(async () => {
    await server.close();
    await fake.close();
  });

  const search = async (
    query: string,
    options: { type?: string[]; language?: string; framework?: string; first?: number } = {},
    on: TestServer = server,
  ): Promise<Hit[]> =>
    (
      await on.query<{ knowledgeSearch: Hit[] }, unknown>(SEARCH, {
        p: projectId,
        q: query,
        t: options.type,
        l: options.language,
        f: options.framework,
        n: options.first,
      })
    ).knowledgeSearch;
  const models = async () =>
    server.studio.database.dataSource.query<Array<{ model: string | null; count: string }>>(
      `SELECT embedding_model AS model, count(*)::int AS count FROM knowledge_artifact
        WHERE project_id = $1 GROUP BY 1 ORDER BY 1`,
      [projectKey],
    );

  test('artifacts written through the service are embedded, and the API says by what', async () => {
    const rows = await server.studio.database.dataSource.query<
      Array<{ name: string; dims: number; model: string; indexed: boolean }>
    >(
      `SELECT name, vector_dims(embedding) AS dims, embedding_model AS model,
              search_document IS NOT NULL AS indexed
         FROM knowledge_artifact WHERE project_id = $1`,
      [projectKey],
    );
    expect(rows).toHaveLength(CORPUS.length);
    for (const row of rows) {
      expect(row).toMatchObject({ dims: 384, model: 'local-lexical-v1', indexed: true });
    }
    const { knowledgeEmbedder } = await server.query<
      { knowledgeEmbedder: { model: string; dimensions: number; local: boolean } },
      unknown
    >('{ knowledgeEmbedder { model dimensions local description } }');
    expect(knowledgeEmbedder).toMatchObject({
      model: 'local-lexical-v1',
      dimensions: 384,
      local: true,
    });
    const hits = await search('billing');
    expect(hits[0]?.artifact.embeddingModel).toBe('local-lexical-v1');
  });

  test.each([
    ['BillingService', 'BillingService', 'the name as written'],
    ['billing service', 'BillingService', 'the parts of a PascalCase name'],
    ['parse proposal', 'parseProposal', 'the parts of a camelCase name'],
    ['http client', 'http_client', 'the parts of a snake_case name'],
    ['validate webhook signature', 'validateWebhookSignature', 'a long identifier'],
    ['exponential backoff', 'http_client', 'summary words'],
    ['stripe invoices', 'BillingService', 'summary words'],
    ['a spinner while the form submits', 'SubmitButton', 'a sentence of the summary'],
    ['calendar popup', 'DatePicker', 'summary words'],
    ['replay events to rebuild state', 'EventStore', 'summary words, another inflection'],
  ])('"%s" finds %s first (%s)', async (query, expected) => {
    const hits = await search(query);
    expect(hits[0]?.artifact.name).toBe(expected);
  });

  test('hits are fused by reciprocal rank fusion (k = 60) and carry both ranks', async () => {
    const hits = await search('parse proposal', { first: 5 });
    expect(hits[0]).toMatchObject({ vectorRank: 1, textRank: 1 });
    expect(hits[0]?.score).toBeCloseTo(2 / 61, 10);
    for (const hit of hits) {
      const expected =
        (hit.vectorRank ? 1 / (60 + hit.vectorRank) : 0) +
        (hit.textRank ? 1 / (60 + hit.textRank) : 0);
      expect(hit.score).toBeCloseTo(expected, 10);
    }
    const scores = hits.map((hit) => hit.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    // words no artifact has: the vector half still ranks (character 3-grams), the text half not
    const fuzzy = await search('proposl parsr');
    expect(fuzzy.length).toBeGreaterThan(0);
    expect(fuzzy.every((hit) => hit.textRank === null && hit.vectorRank !== null)).toBe(true);
  });

  test('filters by type, language and framework (case-insensitive), and first caps the hits', async () => {
    const helpers = await search('turns formats', { type: ['HELPER'] });
    expect(helpers.map((hit) => hit.artifact.name).sort()).toEqual(['formatCurrency', 'slugify']);
    const python = await search('sends turns', { language: 'PYTHON' });
    expect(python.length).toBeGreaterThan(0);
    expect(new Set(python.map((hit) => hit.artifact.language))).toEqual(new Set(['Python']));
    const svelte = await search('button', { framework: 'svelte', language: 'typescript' });
    expect(svelte.map((hit) => hit.artifact.name)).toEqual(['SubmitButton']);
    const two = await search('service', { type: ['SERVICE', 'FUNCTION'], first: 2 });
    expect(two).toHaveLength(2);
    expect(two.every((hit) => ['SERVICE', 'FUNCTION'].includes(hit.artifact.type))).toBe(true);
    expect(await search('button', { type: ['WIDGET'], language: 'Go' })).toEqual([]);
  });

  test('rewriting an artifact updates and re-embeds it in place; rewriting it unchanged writes nothing', async () => {
    const knowledge = server.studio.services.knowledge;
    const [before] = await knowledge.artifacts(
      (await knowledge.upsertArtifacts(projectKey, [CORPUS[0] as ArtifactInput])).map((a) => a.id),
    );
    const stored = async (id: string | undefined) =>
      (
        await server.studio.database.dataSource.query<Array<{ embedding: string }>>(
          `SELECT embedding::text AS embedding FROM knowledge_artifact WHERE id = $1`,
          [id],
        )
      )[0]?.embedding;
    const storedBefore = await stored(before?.id);
    expect(storedBefore).toMatch(/^\[/);
    // reads leave the vector out (select: false): nothing outside search needs it
    expect(before?.embedding).toBeUndefined();
    const [same] = await knowledge.upsertArtifacts(projectKey, [CORPUS[0] as ArtifactInput]);
    expect(same?.id).toBe(before?.id);
    expect(same?.updatedAt).toEqual(before?.updatedAt);
    const [changed] = await knowledge.upsertArtifacts(projectKey, [
      { ...(CORPUS[0] as ArtifactInput), summary: 'Reads a Markdown outline of milestones.' },
    ]);
    expect(changed?.id).toBe(before?.id);
    expect(await stored(before?.id)).not.toBe(storedBefore);
    expect((await search('markdown outline milestones'))[0]?.artifact.name).toBe('parseProposal');
    await knowledge.upsertArtifacts(projectKey, [CORPUS[0] as ArtifactInput]);
    expect(await models()).toEqual([{ model: 'local-lexical-v1', count: CORPUS.length }]);
  });

  test('access: the same as reading the project', async () => {
    const elsewhere = await server.factory.workspace({ name: 'Elsewhere' });
    const outsider = await addMember(server, elsewhere.id, MemberRole.OWNER);
    const viewer = await addMember(server, server.owner.workspaceId, MemberRole.VIEWER);
    const variables = { p: projectId, q: 'billing' };
    const refused = await server.requestAs(
      await accessTokenFor(server, outsider.userKey),
      SEARCH,
      variables,
    );
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(refused.data).toBeNull();
    // the same answer as the project's other reads
    const runs = await server.requestAs(
      await accessTokenFor(server, outsider.userKey),
      'query($p: ID!) { runs(projectId: $p) { totalCount } }',
      { p: projectId },
    );
    expect(runs.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const anonymous = await server.requestAs(undefined, SEARCH, variables);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const allowed = await server.requestAs<{ knowledgeSearch: Hit[] }, unknown>(
      await accessTokenFor(server, viewer.userKey),
      SEARCH,
      variables,
    );
    expect(allowed.errors).toBeUndefined();
    expect(allowed.data?.knowledgeSearch[0]?.artifact.name).toBe('BillingService');
  });

  test.each([
    { label: 'an empty query', overrides: { q: '   ' }, field: 'query' },
    { label: 'a query over 1,000 characters', overrides: { q: 'x'.repeat(1001) }, field: 'query' },
    { label: 'first 0', overrides: { n: 0 }, field: 'first' },
    { label: 'first over 50', overrides: { n: 51 }, field: 'first' },
    { label: 'a 101-character language', overrides: { l: 'l'.repeat(101) }, field: 'language' },
    { label: 'a 101-character framework', overrides: { f: 'f'.repeat(101) }, field: 'framework' },
    { label: 'a project id that is not one', overrides: { p: 'tsk_nope' }, field: 'projectId' },
  ])('$label is BAD_USER_INPUT naming $field', async ({ overrides, field }) => {
    const response = await server.request(SEARCH, { p: projectId, q: 'billing', ...overrides });
    expect(response.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: [field],
    });
  });

  test('a query of 1,000 characters and first 50 are accepted', async () => {
    const hits = await search(`billing ${'y'.repeat(992)}`, { first: 50 });
    expect(hits.length).toBeGreaterThan(0);
  });

  test('switching the embedder: a Studio with another model re-embeds everything in the background, then searches its own vectors', async () => {
    fake.mode = 'float';
    const remote = await startTestServer({
      database: server.studio.database,
      env: {
        MAESTRO_EMBEDDINGS_URL: fakeUrl,
        MAESTRO_EMBEDDINGS_MODEL: 'fake-embed-384',
      },
    });
    try {
      await expectEventually(async () =>
        expect(await models()).toEqual([{ model: 'fake-embed-384', count: CORPUS.length }]),
      );
      const [stored] = await server.studio.database.dataSource.query<Array<{ embedding: string }>>(
        `SELECT embedding::text FROM knowledge_artifact WHERE name = 'BillingService'`,
      );
      const expected = FakeEmbeddings.vector(
        'BillingService\nCharges customer cards through Stripe and records invoices.\nTypeScript NestJS\ncharge refund',
      );
      const vector = JSON.parse(stored?.embedding ?? '[]') as number[];
      vector.forEach((value, i) => expect(value).toBeCloseTo(expected[i] as number, 5));
      // what was asked of the endpoint
      const asked = fake.requests.at(-1)?.body;
      expect(asked).toMatchObject({
        model: 'fake-embed-384',
        dimensions: 384,
        encoding_format: 'float',
      });
      const { knowledgeEmbedder } = await remote.query<
        { knowledgeEmbedder: { model: string; local: boolean } },
        unknown
      >('{ knowledgeEmbedder { model local } }');
      expect(knowledgeEmbedder).toEqual({ model: 'fake-embed-384', local: false });
      // the remote Studio's search embeds the query remotely and ranks its own vectors
      const hits = await search('billing service', {}, remote);
      expect(hits[0]).toMatchObject({ vectorRank: 1, artifact: { name: 'BillingService' } });
      expect(hits[0]?.artifact.embeddingModel).toBe('fake-embed-384');
      // the Studio on the local embedder finds no vectors of its own: text alone ranks
      const local = await search('billing service');
      expect(local[0]).toMatchObject({ vectorRank: null, artifact: { name: 'BillingService' } });
      // nothing is stale for the remote Studio; its job is idempotent
      expect(await remote.studio.services.knowledge.reembedStale(100)).toBe(0);
      // the local Studio's job takes it back, in bounded batches
      expect(await server.studio.services.knowledge.reembedStale(4)).toBe(4);
      expect(await models()).toEqual([
        { model: 'fake-embed-384', count: CORPUS.length - 4 },
        { model: 'local-lexical-v1', count: 4 },
      ]);
      while ((await server.studio.services.knowledge.reembedStale(4)) > 0);
      expect(await models()).toEqual([{ model: 'local-lexical-v1', count: CORPUS.length }]);
      // an endpoint that refuses: the remote Studio still answers, by text alone
      fake.mode = 'refuse';
      const textOnly = await search('stripe invoices', {}, remote);
      expect(textOnly[0]).toMatchObject({ vectorRank: null, artifact: { name: 'BillingService' } });
    } finally {
      fake.mode = 'float';
      await remote.close();
    }
  });
});

describe('OpenAICompatibleEmbedder against a loopback server', () => {
  const fake = new FakeEmbeddings();
  let url: string;
  beforeAll(async () => {
    url = await fake.start();
  });
  afterAll(async () => {
    await fake.close();
  });
  const embedder = (apiKey?: string) =>
    new OpenAICompatibleEmbedder({ baseUrl: url, model: 'fake-embed', apiKey, maxRetries: 0 });

  test('posts to {baseUrl}/embeddings asking for 384 float dimensions, with the key when there is one', async () => {
    fake.mode = 'float';
    fake.requests.length = 0;
    const [vector] = await embedder('sk-test').embed(['parse proposal']);
    expect(vector).toHaveLength(384);
    FakeEmbeddings.vector('parse proposal').forEach((value, i) =>
      expect(vector?.[i]).toBeCloseTo(value, 6),
    );
    expect(fake.requests[0]).toEqual({
      body: {
        model: 'fake-embed',
        input: ['parse proposal'],
        dimensions: 384,
        encoding_format: 'float',
      },
      authorization: 'Bearer sk-test',
    });
    await embedder().embed(['x']);
    expect(fake.requests[1]?.authorization).toBeUndefined();
    expect(embedder().model).toBe('fake-embed');
    expect(embedder().local).toBe(false);
  });

  test('decodes base64 answers, and puts shuffled answers back in order, across batches', async () => {
    const texts = Array.from(
      { length: 300 },
      (_, i) => `artifact number ${i} handles case ${i % 7}`,
    );
    fake.mode = 'base64';
    const decoded = await embedder().embed(texts.slice(0, 3));
    decoded.forEach((vector, i) =>
      FakeEmbeddings.vector(texts[i] as string).forEach((value, j) =>
        expect(vector[j]).toBeCloseTo(value, 6),
      ),
    );
    fake.mode = 'shuffled';
    fake.requests.length = 0;
    const vectors = await embedder().embed(texts);
    expect(fake.requests.map((r) => (r.body.input as string[]).length)).toEqual([128, 128, 44]);
    expect(vectors).toHaveLength(300);
    for (const i of [0, 127, 128, 299]) {
      expect(vectors[i]?.[0]).toBeCloseTo(
        FakeEmbeddings.vector(texts[i] as string)[0] as number,
        6,
      );
      expect(vectors[i]?.[383]).toBeCloseTo(
        FakeEmbeddings.vector(texts[i] as string)[383] as number,
        6,
      );
    }
  });

  test('vectors of another size and refusals are errors, not silent truncation', async () => {
    fake.mode = 'wrong-dimensions';
    await expect(embedder().embed(['a text'])).rejects.toThrow(EmbeddingsResponseError);
    await expect(embedder().embed(['a text'])).rejects.toThrow(/385 dimensions/);
    fake.mode = 'refuse';
    await expect(embedder().embed(['a text'])).rejects.toThrow(/model not loaded/);
    fake.mode = 'float';
  });
});
