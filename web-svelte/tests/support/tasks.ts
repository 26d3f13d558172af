// Helpers for the tasks and flow browser tests: plans made through the API (as a bot would;
// the plan editor has its own tests), and a real `maestro` daemon signed in with a CLI invite.
import { expect } from '@jest/globals';
import type { Locator, Page } from 'playwright-core';
import type { Dashboard } from './dashboard.js';
import { DaemonProcess, daemonEnv } from './daemon.js';

interface Payload {
  userErrors: Array<{ field: string[] | null; message: string }>;
}

/** Runs one mutation with `input` and returns its payload; fails the test on userErrors. */
export async function mutate<T>(
  dashboard: Dashboard,
  name: string,
  input: Record<string, unknown>,
  selection: string,
): Promise<T> {
  const inputType = `${name[0]!.toUpperCase()}${name.slice(1)}Input`;
  const data = await dashboard.graphql<Record<string, T & Payload>>(
    `mutation Helper($input: ${inputType}!) { ${name}(input: $input) { ${selection} userErrors { field message } } }`,
    { input },
  );
  const payload = data[name]!;
  expect(payload.userErrors).toEqual([]);
  return payload;
}

export interface TaskSpec {
  readonly title: string;
  readonly description?: string;
  readonly estimateMinutes?: number;
  readonly skills?: string[];
  /** Titles of earlier tasks of the spec. */
  readonly dependsOn?: string[];
  /** The phase's name; default "Build". */
  readonly phase?: string;
}

export interface PlanRef {
  readonly planId: string;
  /** Task ids by title. */
  readonly tasks: Record<string, string>;
  readonly phases: Record<string, string>;
}

/**
 * A draft plan with phases and tasks, made through the API. (The flow test will build it in
 * the plan editor once that page exists; keep this the only place that knows how.)
 */
export async function planThroughApi(
  dashboard: Dashboard,
  projectId: string,
  name: string,
  tasks: readonly TaskSpec[],
): Promise<PlanRef> {
  const { plan } = await mutate<{ plan: { id: string } }>(
    dashboard,
    'createPlan',
    { projectId, name },
    'plan { id }',
  );
  const phases: Record<string, string> = {};
  const ids: Record<string, string> = {};
  for (const spec of tasks) {
    const phaseName = spec.phase ?? 'Build';
    if (!phases[phaseName]) {
      const { phase } = await mutate<{ phase: { id: string } }>(
        dashboard,
        'createPhase',
        { planId: plan.id, name: phaseName },
        'phase { id }',
      );
      phases[phaseName] = phase.id;
    }
    const { task } = await mutate<{ task: { id: string } }>(
      dashboard,
      'createTask',
      {
        phaseId: phases[phaseName],
        title: spec.title,
        ...(spec.description ? { description: spec.description } : {}),
        ...(spec.estimateMinutes ? { estimateMinutes: spec.estimateMinutes } : {}),
        ...(spec.skills ? { skills: spec.skills } : {}),
        ...(spec.dependsOn ? { dependsOn: spec.dependsOn.map((title) => ids[title]) } : {}),
      },
      'task { id }',
    );
    ids[spec.title] = task.id;
  }
  return { planId: plan.id, tasks: ids, phases };
}

/** A project on `remoteUrl`, made through the API. */
export async function projectThroughApi(
  dashboard: Dashboard,
  remoteUrl: string,
  name: string,
): Promise<string> {
  const { project } = await mutate<{ project: { id: string } }>(
    dashboard,
    'createProject',
    { workspaceId: dashboard.workspaceId, remoteUrl, name },
    'project { id }',
  );
  return project.id;
}

/** `maestro connect --no-tui --all` with a stand-in provider, as a real process. */
export function connectDaemon(
  name: string,
  home: string,
  provider: 'claude' | 'codex' = 'claude',
): DaemonProcess {
  return new DaemonProcess(
    name,
    ['--all', '--provider', provider, '--name', name],
    daemonEnv(home),
  );
}

/** The kanban column (a region named by its heading) holding a status. */
export function column(page: Page, label: string): Locator {
  return page.locator('section.column', {
    has: page.getByRole('heading', { level: 3, name: new RegExp(`^${label}\\b`) }),
  });
}

/** The kanban card of a task, by title. */
export function card(page: Page, title: string): Locator {
  return page.locator('li.task-card', {
    has: page.getByRole('link', { name: title, exact: true }),
  });
}

/** The label of the column a task's card is in now. */
export async function columnOf(page: Page, title: string): Promise<string> {
  return card(page, title).evaluate(
    (element) => element.closest('section')?.getAttribute('data-status') ?? '',
  );
}

/** Marks the window, so a test can tell later that the page was never reloaded. */
export async function markWindow(page: Page): Promise<void> {
  await page.evaluate(() => {
    (window as unknown as { maestroMark: number }).maestroMark = 42;
  });
}

export async function windowStillMarked(page: Page): Promise<boolean> {
  return page.evaluate(() => (window as unknown as { maestroMark?: number }).maestroMark === 42);
}
