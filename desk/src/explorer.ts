/**
 * The development explorer: GraphiQL's self-contained browser build (with React 18's), served by
 * the hub from node_modules in development only, instead of Apollo's Sandbox from a CDN.
 * Its storage is in memory: queries and headers (the token) never reach localStorage.
 */

interface ReactGlobal {
  createElement(type: unknown, props: Record<string, unknown>): unknown;
}
interface ReactDomGlobal {
  createRoot(el: Element): { render(node: unknown): void };
}
interface GraphiQLGlobal {
  createFetcher(options: { url: string; headers?: Record<string, string> }): unknown;
}

const globals = globalThis as unknown as { React: ReactGlobal; ReactDOM: ReactDomGlobal; GraphiQL: GraphiQLGlobal };

/** A Storage that forgets everything with the page. */
class MemoryStorage {
  private readonly items = new Map<string, string>();
  get length(): number {
    return this.items.size;
  }
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
  clear(): void {
    this.items.clear();
  }
  key(index: number): string | null {
    return [...this.items.keys()][index] ?? null;
  }
}

const { React, ReactDOM, GraphiQL } = globals;
const fetcher = GraphiQL.createFetcher({ url: `${location.origin}/graphql` });
ReactDOM.createRoot(document.getElementById('explorer')!).render(
  React.createElement(GraphiQL, {
    fetcher,
    storage: new MemoryStorage(),
    shouldPersistHeaders: false,
    defaultHeaders: '{\n  "authorization": "Bearer paste-a-development-token-here"\n}',
    defaultQuery: '# Who am I to the hub?\n{\n  me { sub name agency roles purposes }\n}\n',
    isHeadersEditorEnabled: true,
    defaultEditorToolsVisibility: 'headers',
  }),
);
