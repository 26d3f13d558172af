import type { Dependency } from './manifests.js';
import type { Framework, FrameworkCategory, Manifest, ManifestKind } from './types.js';

/** A dependency name (a trailing `*` matches any rest) → what it reveals. */
type Entry = readonly [pattern: string, name: string, category: FrameworkCategory];

const npm: Entry[] = [
  ['next', 'Next.js', 'web'],
  ['nuxt', 'Nuxt', 'web'],
  ['@sveltejs/kit', 'SvelteKit', 'web'],
  ['@remix-run/*', 'Remix', 'web'],
  ['@react-router/dev', 'React Router', 'web'],
  ['astro', 'Astro', 'web'],
  ['gatsby', 'Gatsby', 'web'],
  ['@nestjs/core', 'NestJS', 'server'],
  ['express', 'Express', 'server'],
  ['fastify', 'Fastify', 'server'],
  ['koa', 'Koa', 'server'],
  ['@hapi/hapi', 'hapi', 'server'],
  ['hono', 'Hono', 'server'],
  ['socket.io', 'Socket.IO', 'server'],
  ['react', 'React', 'ui'],
  ['preact', 'Preact', 'ui'],
  ['vue', 'Vue', 'ui'],
  ['svelte', 'Svelte', 'ui'],
  ['@angular/core', 'Angular', 'ui'],
  ['solid-js', 'SolidJS', 'ui'],
  ['lit', 'Lit', 'ui'],
  ['ink', 'Ink', 'ui'],
  ['tailwindcss', 'Tailwind CSS', 'ui'],
  ['@apollo/server', 'Apollo Server', 'api'],
  ['apollo-server*', 'Apollo Server', 'api'],
  ['@apollo/client', 'Apollo Client', 'api'],
  ['type-graphql', 'type-graphql', 'api'],
  ['@nestjs/graphql', 'NestJS GraphQL', 'api'],
  ['graphql-yoga', 'GraphQL Yoga', 'api'],
  ['graphql', 'GraphQL', 'api'],
  ['@trpc/server', 'tRPC', 'api'],
  ['@grpc/grpc-js', 'gRPC', 'api'],
  ['typeorm', 'TypeORM', 'data'],
  ['prisma', 'Prisma', 'data'],
  ['@prisma/client', 'Prisma', 'data'],
  ['sequelize', 'Sequelize', 'data'],
  ['mongoose', 'Mongoose', 'data'],
  ['drizzle-orm', 'Drizzle', 'data'],
  ['knex', 'Knex', 'data'],
  ['@mikro-orm/core', 'MikroORM', 'data'],
  ['pg', 'PostgreSQL', 'database'],
  ['postgres', 'PostgreSQL', 'database'],
  ['@electric-sql/pglite', 'PGlite', 'database'],
  ['mysql', 'MySQL', 'database'],
  ['mysql2', 'MySQL', 'database'],
  ['sqlite3', 'SQLite', 'database'],
  ['better-sqlite3', 'SQLite', 'database'],
  ['mongodb', 'MongoDB', 'database'],
  ['ioredis', 'Redis', 'database'],
  ['redis', 'Redis', 'database'],
  ['@oclif/core', 'oclif', 'cli'],
  ['oclif', 'oclif', 'cli'],
  ['commander', 'Commander', 'cli'],
  ['yargs', 'yargs', 'cli'],
  ['electron', 'Electron', 'desktop'],
  ['@tauri-apps/api', 'Tauri', 'desktop'],
  ['react-native', 'React Native', 'mobile'],
  ['expo', 'Expo', 'mobile'],
  ['openai', 'OpenAI SDK', 'ai'],
  ['@anthropic-ai/sdk', 'Anthropic SDK', 'ai'],
  ['langchain', 'LangChain', 'ai'],
  ['@langchain/core', 'LangChain', 'ai'],
  ['jest', 'Jest', 'test'],
  ['vitest', 'Vitest', 'test'],
  ['mocha', 'Mocha', 'test'],
  ['ava', 'AVA', 'test'],
  ['@playwright/test', 'Playwright', 'test'],
  ['playwright', 'Playwright', 'test'],
  ['playwright-core', 'Playwright', 'test'],
  ['cypress', 'Cypress', 'test'],
  ['vite', 'Vite', 'build'],
  ['webpack', 'webpack', 'build'],
  ['esbuild', 'esbuild', 'build'],
  ['rollup', 'Rollup', 'build'],
  ['turbo', 'Turborepo', 'build'],
  ['nx', 'Nx', 'build'],
  ['lerna', 'Lerna', 'build'],
];

const python: Entry[] = [
  ['django', 'Django', 'web'],
  ['flask', 'Flask', 'server'],
  ['fastapi', 'FastAPI', 'server'],
  ['starlette', 'Starlette', 'server'],
  ['tornado', 'Tornado', 'server'],
  ['aiohttp', 'aiohttp', 'server'],
  ['sanic', 'Sanic', 'server'],
  ['uvicorn', 'Uvicorn', 'server'],
  ['gunicorn', 'Gunicorn', 'server'],
  ['djangorestframework', 'Django REST framework', 'api'],
  ['strawberry-graphql', 'Strawberry', 'api'],
  ['graphene', 'Graphene', 'api'],
  ['grpcio', 'gRPC', 'api'],
  ['pydantic', 'Pydantic', 'other'],
  ['sqlalchemy', 'SQLAlchemy', 'data'],
  ['alembic', 'Alembic', 'data'],
  ['psycopg', 'PostgreSQL', 'database'],
  ['psycopg2', 'PostgreSQL', 'database'],
  ['psycopg2-binary', 'PostgreSQL', 'database'],
  ['asyncpg', 'PostgreSQL', 'database'],
  ['pymongo', 'MongoDB', 'database'],
  ['redis', 'Redis', 'database'],
  ['celery', 'Celery', 'runtime'],
  ['click', 'Click', 'cli'],
  ['typer', 'Typer', 'cli'],
  ['streamlit', 'Streamlit', 'ui'],
  ['numpy', 'NumPy', 'ai'],
  ['pandas', 'pandas', 'ai'],
  ['torch', 'PyTorch', 'ai'],
  ['tensorflow', 'TensorFlow', 'ai'],
  ['scikit-learn', 'scikit-learn', 'ai'],
  ['transformers', 'Transformers', 'ai'],
  ['openai', 'OpenAI SDK', 'ai'],
  ['anthropic', 'Anthropic SDK', 'ai'],
  ['langchain', 'LangChain', 'ai'],
  ['pytest', 'pytest', 'test'],
  ['hypothesis', 'Hypothesis', 'test'],
  ['tox', 'tox', 'test'],
];

const go: Entry[] = [
  ['github.com/gin-gonic/gin', 'Gin', 'server'],
  ['github.com/labstack/echo', 'Echo', 'server'],
  ['github.com/gofiber/fiber', 'Fiber', 'server'],
  ['github.com/go-chi/chi', 'chi', 'server'],
  ['github.com/gorilla/mux', 'Gorilla Mux', 'server'],
  ['google.golang.org/grpc', 'gRPC', 'api'],
  ['github.com/99designs/gqlgen', 'gqlgen', 'api'],
  ['gorm.io/gorm', 'GORM', 'data'],
  ['entgo.io/ent', 'ent', 'data'],
  ['github.com/jackc/pgx', 'PostgreSQL', 'database'],
  ['github.com/lib/pq', 'PostgreSQL', 'database'],
  ['github.com/redis/go-redis', 'Redis', 'database'],
  ['github.com/go-redis/redis', 'Redis', 'database'],
  ['go.mongodb.org/mongo-driver', 'MongoDB', 'database'],
  ['github.com/spf13/cobra', 'Cobra', 'cli'],
  ['github.com/urfave/cli', 'urfave/cli', 'cli'],
  ['github.com/charmbracelet/bubbletea', 'Bubble Tea', 'ui'],
  ['github.com/stretchr/testify', 'Testify', 'test'],
];

const cargo: Entry[] = [
  ['tokio', 'Tokio', 'runtime'],
  ['async-std', 'async-std', 'runtime'],
  ['axum', 'Axum', 'server'],
  ['actix-web', 'Actix Web', 'server'],
  ['rocket', 'Rocket', 'server'],
  ['warp', 'warp', 'server'],
  ['hyper', 'hyper', 'server'],
  ['tonic', 'tonic', 'api'],
  ['async-graphql', 'async-graphql', 'api'],
  ['serde', 'Serde', 'other'],
  ['diesel', 'Diesel', 'data'],
  ['sqlx', 'SQLx', 'data'],
  ['sea-orm', 'SeaORM', 'data'],
  ['clap', 'clap', 'cli'],
  ['ratatui', 'Ratatui', 'ui'],
  ['leptos', 'Leptos', 'ui'],
  ['yew', 'Yew', 'ui'],
  ['tauri', 'Tauri', 'desktop'],
  ['bevy', 'Bevy', 'other'],
  ['criterion', 'Criterion', 'test'],
];

const jvm: Entry[] = [
  ['org.springframework.boot:*', 'Spring Boot', 'server'],
  ['plugin:org.springframework.boot', 'Spring Boot', 'server'],
  ['org.springframework:spring-webmvc', 'Spring MVC', 'server'],
  ['io.quarkus:*', 'Quarkus', 'server'],
  ['io.micronaut:*', 'Micronaut', 'server'],
  ['io.ktor:*', 'Ktor', 'server'],
  ['io.grpc:*', 'gRPC', 'api'],
  ['com.graphql-java:*', 'GraphQL Java', 'api'],
  ['org.hibernate:*', 'Hibernate', 'data'],
  ['org.hibernate.orm:*', 'Hibernate', 'data'],
  ['org.mybatis:*', 'MyBatis', 'data'],
  ['org.jooq:*', 'jOOQ', 'data'],
  ['org.flywaydb:*', 'Flyway', 'data'],
  ['org.liquibase:*', 'Liquibase', 'data'],
  ['org.postgresql:postgresql', 'PostgreSQL', 'database'],
  ['com.mysql:*', 'MySQL', 'database'],
  ['mysql:mysql-connector-java', 'MySQL', 'database'],
  ['info.picocli:*', 'picocli', 'cli'],
  ['plugin:com.android.application', 'Android', 'mobile'],
  ['plugin:com.android.library', 'Android', 'mobile'],
  ['junit:junit', 'JUnit', 'test'],
  ['org.junit.jupiter:*', 'JUnit', 'test'],
  ['org.mockito:*', 'Mockito', 'test'],
  ['io.kotest:*', 'Kotest', 'test'],
];

const catalogs: Record<ManifestKind, Entry[]> = {
  npm,
  pyproject: python,
  requirements: python,
  go,
  cargo,
  maven: jvm,
  gradle: jvm,
};

/** The order frameworks are listed and summarized in: what shapes the code first. */
export const CATEGORY_ORDER: readonly FrameworkCategory[] = [
  'web',
  'server',
  'ui',
  'api',
  'data',
  'database',
  'cli',
  'desktop',
  'mobile',
  'ai',
  'runtime',
  'other',
  'test',
  'build',
];

function matches(pattern: string, name: string, kind: ManifestKind): boolean {
  if (pattern.endsWith('*')) return name.startsWith(pattern.slice(0, -1));
  // Go modules carry their major version in the path: github.com/labstack/echo/v4
  if (kind === 'go') return name === pattern || new RegExp(`^${escape(pattern)}/v\\d+$`).test(name);
  return name === pattern;
}
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The frameworks a manifest's dependencies reveal, one per name. */
export function detectFrameworks(
  manifest: Manifest,
  dependencies: readonly Dependency[],
): Framework[] {
  const found = new Map<string, Framework>();
  for (const dependency of dependencies) {
    const entry = catalogs[manifest.kind].find(([pattern]) =>
      matches(pattern, dependency.name, manifest.kind),
    );
    if (!entry) continue;
    // the first dependency wins, unless only a later one says which version
    const earlier = found.get(entry[1]);
    if (earlier && (earlier.version || !dependency.version)) continue;
    const [, name, category] = entry;
    found.set(name, {
      name,
      category,
      package: dependency.name,
      ...(dependency.version ? { version: dependency.version } : {}),
      manifest: manifest.path,
      dev: dependency.dev,
    });
  }
  return [...found.values()];
}

/** By category (CATEGORY_ORDER), then manifest path, then name. */
export function sortFrameworks(frameworks: readonly Framework[]): Framework[] {
  const rank = (one: Framework) => CATEGORY_ORDER.indexOf(one.category);
  return [...frameworks].sort(
    (a, b) =>
      rank(a) - rank(b) || a.manifest.localeCompare(b.manifest) || a.name.localeCompare(b.name),
  );
}
