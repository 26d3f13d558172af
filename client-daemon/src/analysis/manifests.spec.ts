import { describe, expect, test } from '@jest/globals';
import { detectFrameworks } from './frameworks.js';
import { manifestKind, parseManifest, parseRequirement } from './manifests.js';

/** A manifest's frameworks as `name@version (package)`, for compact expectations. */
function frameworksOf(file: string, text: string) {
  const parsed = parseManifest(file, text);
  return detectFrameworks(parsed.manifest, parsed.dependencies).map(
    (one) => `${one.name}${one.version ? `@${one.version}` : ''}${one.dev ? ' dev' : ''}`,
  );
}

describe('manifestKind', () => {
  test.each([
    ['package.json', 'npm'],
    ['server/package.json', 'npm'],
    ['pyproject.toml', 'pyproject'],
    ['requirements.txt', 'requirements'],
    ['api/requirements-dev.txt', 'requirements'],
    ['go.mod', 'go'],
    ['Cargo.toml', 'cargo'],
    ['pom.xml', 'maven'],
    ['build.gradle', 'gradle'],
    ['app/build.gradle.kts', 'gradle'],
  ])('%s is %s', (file, kind) => {
    expect(manifestKind(file)).toBe(kind);
  });

  test('other files are not manifests', () => {
    expect(manifestKind('package-lock.json')).toBeNull();
    expect(manifestKind('requirements.md')).toBeNull();
    expect(manifestKind('go.sum')).toBeNull();
  });
});

describe('package.json', () => {
  const text = JSON.stringify({
    name: '@acme/api',
    version: '1.2.0',
    workspaces: ['packages/*'],
    scripts: { build: 'tsc', test: 'jest' },
    engines: { node: '>=20' },
    dependencies: { express: '^4.19.2', typeorm: '0.3.20', 'type-graphql': '2.0.0', pg: '^8' },
    devDependencies: { jest: '^29', '@playwright/test': '1.44.0', typescript: '5.4.0' },
  });

  test('reads name, version, workspaces, scripts, engines and counts dependencies', () => {
    expect(parseManifest('api/package.json', text).manifest).toEqual({
      path: 'api/package.json',
      directory: 'api',
      kind: 'npm',
      name: '@acme/api',
      version: '1.2.0',
      workspaces: ['packages/*'],
      scripts: ['build', 'test'],
      runtime: { node: '>=20' },
      dependencies: 7,
    });
  });

  test('frameworks from dependencies and devDependencies, each naming its manifest', () => {
    expect(frameworksOf('package.json', text)).toEqual([
      'Express@^4.19.2',
      'TypeORM@0.3.20',
      'type-graphql@2.0.0',
      'PostgreSQL@^8',
      'Jest@^29 dev',
      'Playwright@1.44.0 dev',
    ]);
    const parsed = parseManifest('api/package.json', text);
    expect(detectFrameworks(parsed.manifest, parsed.dependencies)[0]).toEqual({
      name: 'Express',
      category: 'server',
      package: 'express',
      version: '^4.19.2',
      manifest: 'api/package.json',
      dev: false,
    });
  });

  test('one framework per name: @nestjs/core and a second Prisma package count once', () => {
    const nest = JSON.stringify({
      dependencies: { '@nestjs/core': '10', '@prisma/client': '5', prisma: '5' },
    });
    expect(frameworksOf('package.json', nest)).toEqual(['NestJS@10', 'Prisma@5']);
  });

  test('yarn-style workspaces, and SvelteKit, oclif, Electron', () => {
    const yarn = JSON.stringify({
      workspaces: { packages: ['apps/*'] },
      dependencies: { '@oclif/core': '4', electron: '30' },
      devDependencies: { '@sveltejs/kit': '2', svelte: '5', vitest: '1' },
    });
    expect(parseManifest('package.json', yarn).manifest.workspaces).toEqual(['apps/*']);
    expect(frameworksOf('package.json', yarn)).toEqual([
      'oclif@4',
      'Electron@30',
      'SvelteKit@2 dev',
      'Svelte@5 dev',
      'Vitest@1 dev',
    ]);
  });

  test('a file that does not parse is reported with its error', () => {
    const parsed = parseManifest('broken/package.json', '{ "name": ');
    expect(parsed.manifest).toMatchObject({ path: 'broken/package.json', dependencies: 0 });
    expect(parsed.manifest.error).toMatch(/JSON/);
    expect(parsed.dependencies).toEqual([]);
  });
});

describe('pyproject.toml', () => {
  test('PEP 621 [project]: dependencies, optional groups and requires-python', () => {
    const text = `
[project]
name = "acme-api"
version = "0.3.0"
requires-python = ">=3.11"
dependencies = [
  "fastapi[standard]>=0.110",
  "SQLAlchemy==2.0.30",
  "uvicorn",
]

[project.optional-dependencies]
dev = ["pytest>=8", "ruff"]
`;
    expect(parseManifest('pyproject.toml', text).manifest).toEqual({
      path: 'pyproject.toml',
      directory: '.',
      kind: 'pyproject',
      name: 'acme-api',
      version: '0.3.0',
      runtime: { python: '>=3.11' },
      dependencies: 5,
    });
    expect(frameworksOf('pyproject.toml', text)).toEqual([
      'FastAPI@>=0.110',
      'SQLAlchemy@==2.0.30',
      'Uvicorn',
      'pytest@>=8 dev',
    ]);
  });

  test('[tool.poetry.dependencies], dev groups, and python as the runtime', () => {
    const text = `
[tool.poetry]
name = "shop"
version = "1.0.0"

[tool.poetry.dependencies]
python = "^3.10"
Django = "^5.0"
celery = { version = "^5.3", extras = ["redis"] }

[tool.poetry.group.dev.dependencies]
pytest = "^8.0"
`;
    const parsed = parseManifest('backend/pyproject.toml', text);
    expect(parsed.manifest).toMatchObject({
      name: 'shop',
      directory: 'backend',
      runtime: { python: '^3.10' },
      dependencies: 3,
    });
    expect(frameworksOf('backend/pyproject.toml', text)).toEqual([
      'Django@^5.0',
      'Celery@^5.3',
      'pytest@^8.0 dev',
    ]);
  });

  test('invalid TOML is an error on the manifest, not a crash', () => {
    expect(parseManifest('pyproject.toml', '[project\nname = 1').manifest.error).toBeDefined();
  });
});

describe('requirements.txt', () => {
  test('names and versions; options, URLs, paths and comments skipped', () => {
    const text = [
      '# web',
      'Flask==3.0.3  # pinned',
      'gunicorn>=21',
      'psycopg2-binary',
      '-r base.txt',
      '-e .',
      'git+https://github.com/acme/lib.git',
      './local-wheel.whl',
      'pytest ; python_version >= "3.8"',
      '',
    ].join('\n');
    const parsed = parseManifest('requirements.txt', text);
    expect(parsed.dependencies.map((one) => one.name)).toEqual([
      'flask',
      'gunicorn',
      'psycopg2-binary',
      'pytest',
    ]);
    expect(frameworksOf('requirements.txt', text)).toEqual([
      'Flask@==3.0.3',
      'Gunicorn@>=21',
      'PostgreSQL',
      'pytest',
    ]);
  });

  test('parseRequirement normalizes names (PEP 503)', () => {
    expect(parseRequirement('Django_REST.framework >= 3')).toEqual({
      name: 'django-rest-framework',
      version: '>=3',
    });
    expect(parseRequirement('   ')).toBeNull();
  });
});

describe('go.mod', () => {
  test('module path, go version, direct requires (indirect ones skipped)', () => {
    const text = `module github.com/acme/api

go 1.22

require github.com/spf13/cobra v1.8.0

require (
\tgithub.com/gin-gonic/gin v1.9.1
\tgithub.com/labstack/echo/v4 v4.11.4 // a comment
\tgoogle.golang.org/grpc v1.62.0
\tgolang.org/x/sys v0.18.0 // indirect
)
`;
    expect(parseManifest('go.mod', text).manifest).toEqual({
      path: 'go.mod',
      directory: '.',
      kind: 'go',
      name: 'github.com/acme/api',
      runtime: { go: '1.22' },
      dependencies: 4,
    });
    expect(frameworksOf('go.mod', text)).toEqual([
      'Cobra@v1.8.0',
      'Gin@v1.9.1',
      'Echo@v4.11.4',
      'gRPC@v1.62.0',
    ]);
  });
});

describe('Cargo.toml', () => {
  test('package, edition, dependencies as strings and tables, dev-dependencies', () => {
    const text = `
[package]
name = "acme-server"
version = "0.1.0"
edition = "2021"

[dependencies]
tokio = { version = "1.37", features = ["full"] }
axum = "0.7"
serde = { version = "1", features = ["derive"] }
clap = "4"

[dev-dependencies]
criterion = "0.5"
`;
    expect(parseManifest('server/Cargo.toml', text).manifest).toEqual({
      path: 'server/Cargo.toml',
      directory: 'server',
      kind: 'cargo',
      name: 'acme-server',
      version: '0.1.0',
      runtime: { rust: 'edition 2021' },
      dependencies: 5,
    });
    expect(frameworksOf('server/Cargo.toml', text)).toEqual([
      'Tokio@1.37',
      'Axum@0.7',
      'Serde@1',
      'clap@4',
      'Criterion@0.5 dev',
    ]);
  });

  test('a workspace root lists its members', () => {
    const text = `[workspace]\nmembers = ["crates/*", "cli"]\n[workspace.dependencies]\nactix-web = "4"\n`;
    expect(parseManifest('Cargo.toml', text).manifest.workspaces).toEqual(['crates/*', 'cli']);
    expect(frameworksOf('Cargo.toml', text)).toEqual(['Actix Web@4']);
  });
});

describe('pom.xml', () => {
  test('coordinates, the Spring Boot parent, dependencies with scopes and properties', () => {
    const text = `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <parent>
    <groupId>org.springframework.boot</groupId>
    <artifactId>spring-boot-starter-parent</artifactId>
    <version>3.2.5</version>
  </parent>
  <groupId>com.acme</groupId>
  <artifactId>orders</artifactId>
  <version>1.4.0</version>
  <properties>
    <java.version>21</java.version>
    <pg.version>42.7.3</pg.version>
  </properties>
  <modules><module>orders-core</module></modules>
  <!-- <dependency><groupId>io.quarkus</groupId><artifactId>gone</artifactId></dependency> -->
  <dependencies>
    <dependency>
      <groupId>org.postgresql</groupId>
      <artifactId>postgresql</artifactId>
      <version>\${pg.version}</version>
    </dependency>
    <dependency>
      <groupId>org.junit.jupiter</groupId>
      <artifactId>junit-jupiter</artifactId>
      <scope>test</scope>
    </dependency>
  </dependencies>
</project>`;
    expect(parseManifest('orders/pom.xml', text).manifest).toEqual({
      path: 'orders/pom.xml',
      directory: 'orders',
      kind: 'maven',
      name: 'com.acme:orders',
      version: '1.4.0',
      workspaces: ['orders-core'],
      runtime: { java: '21' },
      dependencies: 3,
    });
    expect(frameworksOf('orders/pom.xml', text)).toEqual([
      'Spring Boot@3.2.5',
      'PostgreSQL@42.7.3',
      'JUnit dev',
    ]);
  });

  test('a file without <project> is an error', () => {
    expect(parseManifest('pom.xml', '<nothing/>').manifest.error).toBe('no <project> element');
  });
});

describe('build.gradle(.kts)', () => {
  test('plugins and dependency coordinates, test configurations as dev', () => {
    const text = `
plugins {
    id("org.springframework.boot") version "3.3.0"
    kotlin("jvm") version "1.9.24"
}
java { toolchain { languageVersion.set(JavaLanguageVersion.of(17)) } }
dependencies {
    implementation("org.springframework.boot:spring-boot-starter-web")
    implementation("io.ktor:ktor-server-core:2.3.11")
    // implementation("io.quarkus:quarkus-core:3.0.0")
    testImplementation("org.mockito:mockito-core:5.11.0")
}
`;
    expect(parseManifest('build.gradle.kts', text).manifest).toMatchObject({
      kind: 'gradle',
      runtime: { java: '17' },
      dependencies: 5,
    });
    expect(frameworksOf('build.gradle.kts', text)).toEqual([
      'Spring Boot@3.3.0',
      'Ktor@2.3.11',
      'Mockito@5.11.0 dev',
    ]);
  });

  test('Groovy syntax', () => {
    const text = `plugins { id 'com.android.application' }\ndependencies {\n  testImplementation 'junit:junit:4.13.2'\n}\n`;
    expect(frameworksOf('app/build.gradle', text)).toEqual(['JUnit@4.13.2 dev', 'Android']);
  });
});
