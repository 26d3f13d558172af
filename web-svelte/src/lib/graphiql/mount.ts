import { explorerFetcher } from './fetcher';
import 'graphiql/style.css';

/** What the explorer opens with the first time (GraphiQL keeps the tabs in localStorage). */
export const EXAMPLE_QUERY = `# Welcome to Maestro's API explorer. Press Ctrl-Enter (or the run button) to send a query.
# Requests go to this Studio as you: your session cookie and CSRF token; your role decides what you see.
# The Docs button lists every type and field; docs/api.md explains them.

query Me {
  viewer {
    kind
    user {
      name
      email
    }
    memberships {
      role
      workspace {
        name
        projects(first: 10) {
          nodes {
            id
            name
          }
        }
      }
    }
  }
}
`;

/**
 * Renders GraphiQL (React) into `element` and returns the function that unmounts it. Imported
 * dynamically by the explorer page only, so no other page loads React, GraphiQL or its CSS.
 */
export async function mountGraphiQL(element: HTMLElement): Promise<() => void> {
  const [{ createElement }, { createRoot }, { GraphiQL }] = await Promise.all([
    import('react'),
    import('react-dom/client'),
    import('graphiql'),
  ]);
  // the fetcher's own types are a structural subset of GraphiQL's (@graphiql/toolkit's)
  const fetcher = explorerFetcher as unknown as Parameters<typeof GraphiQL>[0]['fetcher'];
  const root = createRoot(element);
  // The header's theme choice (data-theme on <html>); without one, the system's.
  const render = () => {
    const chosen = document.documentElement.dataset.theme;
    root.render(
      createElement(GraphiQL, {
        fetcher,
        defaultQuery: EXAMPLE_QUERY,
        defaultEditorToolsVisibility: false,
        forcedTheme: chosen === 'light' || chosen === 'dark' ? chosen : 'system',
      }),
    );
  };
  render();
  const themeChanges = new MutationObserver(render);
  themeChanges.observe(document.documentElement, { attributeFilter: ['data-theme'] });
  return () => {
    themeChanges.disconnect();
    root.unmount();
  };
}
