import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { expectEventually } from '../../server/test/support/expect-eventually.js';
import { ok } from '../../server/test/support/mutations.js';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.js';
import { daemonEnv, DaemonProcess, maestro, signedInHome } from './support/daemons.js';

const exec = promisify(execFile);
const git = async (cwd: string, ...args: string[]) =>
  (await exec('git', args, { cwd })).stdout.trim();

/** The committed multi-language fixture: a TypeScript/React package, a Python service, a Go worker. */
const FIXTURE = fileURLToPath(new URL('./fixtures/polyglot-repo', import.meta.url));

interface Knowledge {
  repoContext: {
    framework: string | null;
    techStack: string[];
    architectureSummary: string;
    directoryMap: Record<string, string>;
  } | null;
  contextFiles: {
    kind: string;
    name: string;
    version: number;
    content: string;
    versions: { version: number }[];
  }[];
  knowledge: {
    totalCount: number;
    nodes: {
      type: string;
      name: string;
      summary: string;
      language: string | null;
      framework: string | null;
      fileRefs: { path: string }[];
    }[];
  };
}

describe('repository analysis end to end: a real daemon analyses a real repository for Studio', () => {
  let server: TestServer;
  let root: string;
  let home: string;
  let projectId: string;
  let clone: string;
  let daemon: DaemonProcess;

  beforeAll(async () => {
    server = await startTestServer();
    root = await mkdtemp(path.join(os.tmpdir(), 'maestro-analysis-'));
    // the fixture, committed to a fresh repository and pushed to a bare origin
    const origin = path.join(root, 'origin.git');
    await exec('git', ['init', '-q', '--bare', '--initial-branch=main', origin]);
    clone = path.join(root, 'clone');
    await mkdir(clone);
    await cp(FIXTURE, clone, { recursive: true });
    await git(clone, 'init', '-q', '--initial-branch=main');
    await git(clone, 'add', '-A');
    await git(
      clone,
      '-c',
      'user.name=Fixture',
      '-c',
      'user.email=fixture@maestro.test',
      'commit',
      '-q',
      '-m',
      'the polyglot shop',
    );
    await git(clone, 'remote', 'add', 'origin', origin);
    await git(clone, 'push', '-q', 'origin', 'main');
    projectId = (
      await server.factory.project({
        workspaceId: server.owner.workspaceId,
        remoteUrl: origin,
        name: 'polyglot',
      })
    ).id;
    home = await signedInHome(server, 'analyst-box');
    // a provider is configured (the claude stand-in), but analysis is the static analyzer's
    daemon = new DaemonProcess(
      'analyst',
      ['--provider', 'claude', '--name', 'analyst-bot'],
      daemonEnv(home, { STAND_IN_LOG: path.join(root, 'argv.log'), MAESTRO_ANALYSIS: 'static' }),
      clone,
    );
    await expectEventually(
      async () => {
        const data = await server.query<{ project: { sessions: { name: string }[] } }, unknown>(
          'query($id: ID!) { project(id: $id) { sessions { name } } }',
          { id: projectId },
        );
        expect(data.project.sessions.map((one) => one.name)).toEqual(['analyst-bot']);
      },
      { timeoutMs: 30_000 },
    );
  }, 90_000);
  afterAll(async () => {
    await daemon?.kill9().catch(() => undefined);
    await server.close();
    await rm(root, { recursive: true, force: true });
    if (home) await rm(home, { recursive: true, force: true });
  });

  const knowledge = async (): Promise<Knowledge> =>
    (
      await server.query<{ project: Knowledge }, unknown>(
        `query($id: ID!) { project(id: $id) {
           repoContext { framework techStack architectureSummary directoryMap }
           contextFiles { kind name version content versions { version } }
           knowledge(first: 100) { totalCount nodes { type name summary language framework fileRefs } } } }`,
        { id: projectId },
      )
    ).project;
  const versions = async () =>
    Object.fromEntries((await knowledge()).contextFiles.map((file) => [file.name, file.version]));
  const succeeded = async (runId: string) => {
    await expectEventually(
      async () => {
        const { run } = await server.query<
          { run: { status: string; exitReason: string | null } },
          unknown
        >('query($id: ID!) { run(id: $id) { status exitReason } }', { id: runId });
        expect(run).toEqual({ status: 'SUCCEEDED', exitReason: expect.any(String) });
      },
      { timeoutMs: 60_000 },
    );
  };
  const output = async (runId: string) =>
    (
      await server.query<{ runOutput: { nodes: { chunk: string; stream: string }[] } }, unknown>(
        'query($id: ID!) { runOutput(runId: $id) { nodes { chunk stream } } }',
        { id: runId },
      )
    ).runOutput.nodes;
  /** startRepoAnalysis as the owner (an architect would do). */
  const analyse = async () =>
    (
      await ok<{ run: { id: string }; alreadyQueued: boolean }>(
        server,
        'startRepoAnalysis',
        { projectId },
        'run { id } alreadyQueued',
      )
    ).run.id;

  test('maestro analyze --studio queues the run; the daemon posts facts, files and artifacts', async () => {
    const asked = await maestro(['analyze', '--studio', '--json'], daemonEnv(home), clone);
    expect(asked.code === 0 ? 0 : asked.stderr).toBe(0);
    const queued = JSON.parse(asked.stdout) as {
      projectId: string;
      runId: string;
      alreadyQueued: boolean;
    };
    expect(queued).toMatchObject({ projectId, alreadyQueued: false });
    expect(queued.runId).toMatch(/^run_/);
    await succeeded(queued.runId);

    const found = await knowledge();
    expect(found.repoContext?.framework).toBe('React');
    expect(found.repoContext?.techStack).toEqual(
      expect.arrayContaining(['TypeScript', 'JavaScript', 'FastAPI', 'Gin', 'React']),
    );
    expect(found.repoContext?.techStack.some((one) => one.startsWith('Python'))).toBe(true);
    expect(found.repoContext?.techStack.some((one) => one.startsWith('Go'))).toBe(true);
    expect(found.repoContext?.architectureSummary).toContain('static analyzer v2');
    expect(found.repoContext?.architectureSummary).toContain('no AI model');
    expect(Object.keys(found.repoContext?.directoryMap ?? {})).toEqual(
      expect.arrayContaining(['web/', 'service/', 'worker/']),
    );
    expect(found.repoContext?.directoryMap['web/']).toContain('React');

    const files = Object.fromEntries(found.contextFiles.map((file) => [file.name, file]));
    if (process.env.TEST_DAEMON_LOG)
      for (const file of found.contextFiles) process.stderr.write(`${file.content}\n`);
    expect(found.contextFiles.map((file) => `${file.kind} ${file.name} v${file.version}`)).toEqual([
      'CODEBASE codebase v1',
      'WORKFLOW workflow v1',
      'NOTES notes v1',
    ]);
    for (const language of ['TypeScript', 'Python', 'Go', 'JavaScript'])
      expect(files.codebase?.content).toContain(`- ${language}`);
    for (const manifest of ['web/package.json', 'service/pyproject.toml', 'worker/go.mod'])
      expect(files.codebase?.content).toContain(`\`${manifest}\``);
    expect(files.workflow?.content).toContain('`npm run build --prefix web`: `tsc -p .`');
    expect(files.workflow?.content).toContain('`make test`');
    expect(files.workflow?.content).toContain('`make lint`');
    expect(files.notes?.content).toContain('static analyzer v2');

    const artifacts = found.knowledge.nodes.map(
      (one) =>
        `${one.type} ${one.name} ${one.language ?? '-'} ${one.framework ?? '-'} ${one.fileRefs[0]?.path}`,
    );
    expect(artifacts.sort()).toEqual(
      [
        'COMPONENT PriceTag JavaScript React web/src/PriceTag.jsx',
        'SERVICE CartService TypeScript React web/src/cart-service.ts',
        'INTERFACE Price TypeScript React web/src/format.ts',
        'FUNCTION formatPrice TypeScript React web/src/format.ts',
        'FUNCTION slugify Python FastAPI service/app/text.py',
        'SERVICE CatalogService Python FastAPI service/app/text.py',
        'MODULE Job Go Gin worker/queue/queue.go',
        'FUNCTION Enqueue Go Gin worker/queue/queue.go',
      ].sort(),
    );

    // each summary starts with what the symbol's doc comment says it does
    const summaries = Object.fromEntries(
      found.knowledge.nodes.map((one) => [one.name, one.summary]),
    );
    expect(summaries).toEqual({
      PriceTag:
        'Shows a price as a tag. — JavaScript function PriceTag, exported from web/src/PriceTag.jsx (React); found by the static analyzer v2.',
      CartService: expect.stringMatching(
        /^Keeps a shopping cart's lines and totals them\. — TypeScript class CartService, /,
      ),
      Price: expect.stringMatching(
        /^A price in cents of one currency\. — TypeScript interface Price, /,
      ),
      formatPrice: expect.stringMatching(
        /^Formats a price with two decimals and its currency code\. — /,
      ),
      slugify: expect.stringMatching(
        /^Turns a title into a URL slug\. — Python function slugify, /,
      ),
      CatalogService: expect.stringMatching(
        /^Looks products up by slug\. — Python class CatalogService, /,
      ),
      Job: expect.stringMatching(/^Job is one unit of background work\. — Go struct Job, /),
      Enqueue: expect.stringMatching(/^Enqueue adds a job to the queue\. — Go function Enqueue, /),
    });
    // so a search by those words finds them: "URL" and "title" are only in slugify's docstring
    const { knowledgeSearch } = await server.query<
      { knowledgeSearch: { artifact: { name: string }; textRank: number | null }[] },
      unknown
    >(
      'query($id: ID!) { knowledgeSearch(projectId: $id, query: "title to URL") { artifact { name } textRank } }',
      { id: projectId },
    );
    expect(knowledgeSearch[0]).toEqual({ artifact: { name: 'slugify' }, textRank: 1 });

    const lines = (await output(queued.runId)).filter((one) => one.stream === 'SYSTEM');
    expect(lines.map((one) => one.chunk).join('\n')).toMatch(/static analyzer v2: \d+ files/);
    expect(lines.map((one) => one.chunk).join('\n')).toContain('3 changed, 0 unchanged');
    // the provider was never asked: nothing here is an AI's answer
    await expect(readFile(path.join(root, 'argv.log'), 'utf8')).rejects.toThrow();
  }, 120_000);

  test('a second analysis of the same commit makes no new context-file version', async () => {
    const runId = await analyse();
    await succeeded(runId);
    expect(await versions()).toEqual({ codebase: 1, notes: 1, workflow: 1 });
    expect((await knowledge()).knowledge.totalCount).toBe(8);
    const lines = (await output(runId)).map((one) => one.chunk).join('\n');
    expect(lines).toContain('context files: 0 changed, 3 unchanged');
    expect(lines).toContain('0 created, 0 updated, 8 unchanged, 0 removed');
  }, 120_000);

  test('a pushed change makes exactly one new version, of the file it affects', async () => {
    const manifest = path.join(clone, 'web', 'package.json');
    const parsed = JSON.parse(await readFile(manifest, 'utf8')) as {
      scripts: Record<string, string>;
    };
    parsed.scripts.lint = 'eslint src';
    await writeFile(manifest, `${JSON.stringify(parsed, null, 2)}\n`);
    await git(clone, 'add', '-A');
    await git(
      clone,
      '-c',
      'user.name=Fixture',
      '-c',
      'user.email=fixture@maestro.test',
      'commit',
      '-q',
      '-m',
      'a lint script',
    );
    await git(clone, 'push', '-q', 'origin', 'main');
    const runId = await analyse();
    await succeeded(runId);
    expect(await versions()).toEqual({ codebase: 1, notes: 1, workflow: 2 });
    const found = await knowledge();
    const workflow = found.contextFiles.find((file) => file.name === 'workflow');
    expect(workflow?.content).toContain('`npm run lint --prefix web`: `eslint src`');
    expect(workflow?.versions).toEqual([{ version: 1 }]);
  }, 120_000);

  test("with an AI provider, it writes the architecture summary from the analyzer's facts; the files stay the analyzer's", async () => {
    expect(await daemon?.stop()).toBe(0);
    const log = path.join(root, 'writer-argv.log');
    daemon = new DaemonProcess(
      'writer',
      ['--provider', 'claude', '--name', 'writer-bot'],
      daemonEnv(home, { STAND_IN_LOG: log }),
      clone,
    );
    const before = await versions();
    const runId = await analyse();
    await succeeded(runId);
    const found = await knowledge();
    // the stand-in's answer, labelled with who wrote it and from what
    expect(found.repoContext?.architectureSummary).toMatch(
      /^Reviewed the changes\.[\s\S]*\(Written by claude from the static analyzer v2's facts and the code\.\)$/,
    );
    expect(found.repoContext?.architectureSummary).not.toContain('no AI model');
    // the provider's text is not a context file: the same commit, the same versions
    expect(await versions()).toEqual(before);
    const argv = (await readFile(log, 'utf8')).split('\n').filter(Boolean);
    expect(argv).toHaveLength(1);
    const prompt = (JSON.parse(argv[0] as string) as string[]).find((arg) =>
      arg.includes("# The static analyzer's summary"),
    );
    expect(prompt).toContain('# Codebase');
    expect(prompt).toContain('web/package.json');
    const lines = (await output(runId)).map((one) => one.chunk).join('\n');
    expect(lines).toContain('asking claude for the architecture summary');
    expect(lines).toContain('claude gave no patterns block; the earlier patterns are kept');
    expect(prompt).toContain('one fenced code block tagged json');
  }, 120_000);

  test("the provider's patterns become PATTERN artifacts, checked against the checkout", async () => {
    const answerFile = path.join(root, 'patterns-answer.md');
    const answer = (block: string) =>
      writeFile(answerFile, `# Parts\n\nA shop in three parts.\n\n\`\`\`json\n${block}\n\`\`\`\n`);
    const restart = async () => {
      expect(await daemon?.stop()).toBe(0);
      daemon = new DaemonProcess(
        'patterns',
        ['--provider', 'claude', '--name', 'patterns-bot'],
        daemonEnv(home, { STAND_IN_ANSWER_FILE: answerFile }),
        clone,
      );
    };
    const patterns = async () =>
      (await knowledge()).knowledge.nodes.filter((one) => one.type === 'PATTERN');
    await answer(
      JSON.stringify([
        {
          name: 'Money in cents',
          summary: 'Prices are integer cents with a currency; format them with formatPrice.',
          files: ['web/src/format.ts', 'web/src/cart-service.ts'],
        },
        { name: 'Invented', summary: 'Not in this repository.', files: ['web/src/nowhere.ts'] },
      ]),
    );
    await restart();
    const runId = await analyse();
    await succeeded(runId);
    const found = await knowledge();
    // the block is not part of the architecture summary
    expect(found.repoContext?.architectureSummary).toBe(
      "# Parts\n\nA shop in three parts.\n\n(Written by claude from the static analyzer v2's facts and the code.)",
    );
    expect(await patterns()).toEqual([
      {
        type: 'PATTERN',
        name: 'Money in cents',
        summary:
          'Prices are integer cents with a currency; format them with formatPrice. (Found by claude reading the code.)',
        language: 'TypeScript',
        framework: 'React',
        fileRefs: [{ path: 'web/src/format.ts' }, { path: 'web/src/cart-service.ts' }],
      },
    ]);
    expect(found.knowledge.totalCount).toBe(9);
    let lines = (await output(runId)).map((one) => one.chunk).join('\n');
    expect(lines).toContain('dropped "Invented": names no file of the repository');
    expect(lines).toContain('claude named 1 pattern');

    // an answer whose block does not parse keeps the earlier patterns, and says why
    await answer('[{ name: "oops" ');
    await restart();
    const broken = await analyse();
    await succeeded(broken);
    expect((await patterns()).map((one) => one.name)).toEqual(['Money in cents']);
    lines = (await output(broken)).map((one) => one.chunk).join('\n');
    expect(lines).toMatch(
      /claude's patterns block is not JSON \(.+\); the earlier patterns are kept/,
    );

    // an answer of none removes them
    await answer('[]');
    await restart();
    const none = await analyse();
    await succeeded(none);
    expect(await patterns()).toEqual([]);
    expect((await knowledge()).knowledge.totalCount).toBe(8);
  }, 180_000);
});
