import { describe, expect, test } from '@jest/globals';
import {
  countLines,
  LanguageTally,
  languageOf,
  languageOfShebang,
  mayHaveShebang,
  primaryLanguage,
} from './languages.js';

describe('languageOf', () => {
  test.each([
    ['src/app.ts', 'TypeScript'],
    ['src/App.tsx', 'TypeScript'],
    ['lib/index.mjs', 'JavaScript'],
    ['app/main.py', 'Python'],
    ['cmd/server/main.go', 'Go'],
    ['src/lib.rs', 'Rust'],
    ['src/main/java/App.java', 'Java'],
    ['app/Main.kt', 'Kotlin'],
    ['Program.cs', 'C#'],
    ['lib/x.rb', 'Ruby'],
    ['index.php', 'PHP'],
    ['App.swift', 'Swift'],
    ['main.c', 'C'],
    ['engine.cpp', 'C++'],
    ['src/routes/+page.svelte', 'Svelte'],
    ['App.vue', 'Vue'],
    ['index.html', 'HTML'],
    ['style.scss', 'SCSS'],
    ['scripts/ci.sh', 'Shell'],
    ['db/001.sql', 'SQL'],
    ['README.md', 'Markdown'],
    ['schema/schema.graphql', 'GraphQL'],
    ['Dockerfile', 'Dockerfile'],
    ['docker/Dockerfile.dev', 'Dockerfile'],
    ['Makefile', 'Makefile'],
  ])('%s is %s', (file, name) => {
    expect(languageOf(file)?.name).toBe(name);
  });

  test('unknown extensions and dotfiles have no language', () => {
    expect(languageOf('logo.png')).toBeNull();
    expect(languageOf('.gitignore')).toBeNull();
    expect(languageOf('LICENSE')).toBeNull();
  });

  test('an extensionless script is known by its shebang', () => {
    expect(mayHaveShebang('bin/run')).toBe(true);
    expect(mayHaveShebang('.gitignore')).toBe(false);
    expect(mayHaveShebang('Makefile')).toBe(false);
    expect(languageOfShebang('#!/usr/bin/env node\nconsole.log(1)\n')?.name).toBe('JavaScript');
    expect(languageOfShebang('#!/bin/bash\nset -e\n')?.name).toBe('Shell');
    expect(languageOfShebang('#!/usr/bin/env python3\n')?.name).toBe('Python');
    expect(languageOfShebang('no shebang here')).toBeNull();
  });
});

describe('countLines', () => {
  test.each([
    ['', 0],
    ['one', 1],
    ['one\n', 1],
    ['one\ntwo', 2],
    ['one\n\nthree\n', 3],
    ['crlf\r\nlines\r\n', 2],
  ])('%j has %i lines', (text, lines) => {
    expect(countLines(text)).toBe(lines);
  });
});

describe('LanguageTally and primaryLanguage', () => {
  test('sorts by lines, then files, and picks the programming language with most lines', () => {
    const tally = new LanguageTally();
    tally.add({ name: 'Markdown', kind: 'markup' }, 900);
    tally.add({ name: 'Python', kind: 'programming' }, 100);
    tally.add({ name: 'Python', kind: 'programming' }, 50);
    tally.add({ name: 'Go', kind: 'programming' }, 150);
    tally.add({ name: 'JSON', kind: 'data' }, 5_000);
    const languages = tally.sorted();
    expect(languages).toEqual([
      { name: 'JSON', kind: 'data', files: 1, lines: 5_000 },
      { name: 'Markdown', kind: 'markup', files: 1, lines: 900 },
      { name: 'Python', kind: 'programming', files: 2, lines: 150 },
      { name: 'Go', kind: 'programming', files: 1, lines: 150 },
    ]);
    // a tie in lines goes to the language with more files
    expect(primaryLanguage(languages)).toBe('Python');
  });

  test('no programming language, no primary language', () => {
    expect(primaryLanguage([{ name: 'Markdown', kind: 'markup', files: 3, lines: 30 }])).toBeNull();
  });
});
