import { describe, expect, test } from '@jest/globals';
import { extractSymbols, hasSymbols } from './symbols.js';

/** `kind name:line` per symbol. */
const symbols = (language: string, text: string, file = 'file') =>
  extractSymbols(language, file, text).map((one) => `${one.kind} ${one.name}:${one.line}`);

describe('TypeScript and JavaScript', () => {
  test('every export form, with its kind and line', () => {
    const text = [
      "import { x } from './x.js';",
      'export function parse(input: string) {}',
      'export async function* stream() {}',
      'export default class Studio {}',
      'export abstract class Base {}',
      'export interface Options { a: number }',
      'export type Id = string;',
      'export type Box<T> = { value: T };',
      'export enum Color { Red }',
      'export const enum Flag { On }',
      'export const LIMIT = 3;',
      'export let counter = 0;',
      'export declare namespace Api {}',
      "export * as helpers from './helpers.js';",
      "export * from './all.js';",
      'function local() {}',
      'const hidden = 1;',
      '  export const indented = 1;',
      'export { local, hidden as shown };',
      'export {',
      '  a,',
      '  type B,',
      "} from './ab.js';",
      "export type { C } from './c.js';",
    ].join('\n');
    expect(symbols('TypeScript', text)).toEqual([
      'function parse:2',
      'function stream:3',
      'class Studio:4',
      'class Base:5',
      'interface Options:6',
      'type Id:7',
      'type Box:8',
      'enum Color:9',
      'enum Flag:10',
      'const LIMIT:11',
      'variable counter:12',
      'namespace Api:13',
      'reexport helpers:14',
      'const local:19',
      'const shown:19',
      'reexport a:20',
      'reexport B:20',
      'reexport C:24',
    ]);
  });

  test('anonymous defaults, overloads once, CommonJS exports', () => {
    const text = [
      'export default function () {}',
      'export function f(a: string): void;',
      'export function f(a: number): void;',
      'export function f(a: unknown) {}',
      'exports.helper = () => 1;',
      'module.exports.other = 2;',
    ].join('\n');
    expect(symbols('JavaScript', text)).toEqual([
      'default default:1',
      'function f:2',
      'variable helper:5',
      'variable other:6',
    ]);
    expect(symbols('TypeScript', 'export default class extends Base {}')).toEqual([
      'default default:1',
    ]);
  });

  test('each symbol names its file and language', () => {
    expect(extractSymbols('TypeScript', 'src/a.ts', 'export const A = 1;')).toEqual([
      { name: 'A', kind: 'const', language: 'TypeScript', file: 'src/a.ts', line: 1 },
    ]);
  });
});

describe('Python', () => {
  test('top-level def and class, not _private ones or nested ones', () => {
    const text = [
      'import os',
      'def handler(event):',
      '    def inner():',
      '        pass',
      'async def fetch():',
      '    pass',
      'class Service:',
      '    def method(self):',
      '        pass',
      'def _private():',
      '    pass',
      'class _Hidden:',
      '    pass',
    ].join('\n');
    expect(symbols('Python', text)).toEqual([
      'function handler:2',
      'function fetch:5',
      'class Service:7',
    ]);
  });

  test('__all__ decides what is public', () => {
    const text = [
      '__all__ = [',
      '    "Service",',
      "    'VERSION',",
      ']',
      'VERSION = "1"',
      'def helper():',
      '    pass',
      'class Service:',
      '    pass',
    ].join('\n');
    expect(symbols('Python', text)).toEqual(['class Service:8', 'variable VERSION:1']);
  });
});

describe('Go', () => {
  test('capitalized funcs, methods, types and grouped declarations', () => {
    const text = [
      'package api',
      '',
      'func New() *Server { return nil }',
      'func helper() {}',
      'func (s *Server) Start(ctx context.Context) error { return nil }',
      'func (s *Server) stop() {}',
      'func Map[T any](xs []T) []T { return xs }',
      'type Server struct {',
      '\tAddr string',
      '}',
      'type Handler interface {',
      '\tServe()',
      '}',
      'type id string',
      'type (',
      '\tConfig struct{ Port int }',
      '\tOption func(*Config)',
      '\tprivate int',
      ')',
      'const (',
      '\tDefaultPort = 8080',
      '\tinternal = 1',
      ')',
      'var ErrClosed = errors.New("closed")',
    ].join('\n');
    expect(symbols('Go', text, 'api/server.go')).toEqual([
      'function New:3',
      'method Server.Start:5',
      'function Map:7',
      'struct Server:8',
      'interface Handler:11',
      'struct Config:16',
      'type Option:17',
      'const DefaultPort:21',
      'variable ErrClosed:24',
    ]);
  });

  test('test files export nothing', () => {
    expect(symbols('Go', 'func TestNew(t *testing.T) {}', 'api/server_test.go')).toEqual([]);
  });
});

describe('Rust', () => {
  test('pub items; pub(crate) and private ones skipped; indented pub fn is a method', () => {
    const text = [
      'pub mod routes;',
      'mod private;',
      'pub struct Server { addr: String }',
      'pub enum Event { Start }',
      'pub trait Handler {}',
      'pub(crate) fn internal() {}',
      'fn hidden() {}',
      'pub async fn serve() {}',
      'pub const MAX: usize = 3;',
      'pub type Result<T> = std::result::Result<T, Error>;',
      'impl Server {',
      '    pub fn new() -> Self { todo!() }',
      '    fn private(&self) {}',
      '}',
    ].join('\n');
    expect(symbols('Rust', text)).toEqual([
      'module routes:1',
      'struct Server:3',
      'enum Event:4',
      'trait Handler:5',
      'function serve:8',
      'const MAX:9',
      'type Result:10',
      'method new:12',
    ]);
  });
});

describe('Java, Kotlin and C#', () => {
  test('Java: public top-level classes, interfaces, enums, records', () => {
    const text = [
      'package com.acme;',
      'public class OrderService {',
      '    public static class Nested {}',
      '}',
      'class PackagePrivate {}',
      'public interface Repository {}',
      'public final class Money {}',
      'public enum Status { OPEN }',
      'public record Point(int x, int y) {}',
      'public @interface Audited {}',
    ].join('\n');
    expect(symbols('Java', text)).toEqual([
      'class OrderService:2',
      'interface Repository:6',
      'class Money:7',
      'enum Status:8',
      'record Point:9',
      'annotation Audited:10',
    ]);
  });

  test('Kotlin: public by default; private and internal skipped', () => {
    const text = [
      'package com.acme',
      'class Greeter(private val name: String)',
      'data class User(val id: Long)',
      'private class Secret',
      'internal object Registry',
      'object Defaults',
      'interface Store',
      'enum class Level { LOW }',
      '@Serializable sealed class Result',
      'fun greet(name: String) = "hi $name"',
      'suspend fun load(): User = TODO()',
      'fun String.shout(): String = uppercase()',
      'private fun helper() {}',
      '    fun member() {}',
    ].join('\n');
    expect(symbols('Kotlin', text)).toEqual([
      'class Greeter:2',
      'class User:3',
      'object Defaults:6',
      'interface Store:7',
      'enum Level:8',
      'class Result:9',
      'function greet:10',
      'function load:11',
      'function shout:12',
    ]);
  });

  test('C#: public types inside namespaces', () => {
    const text = [
      'namespace Acme.Api;',
      'public class OrdersController {}',
      '    public sealed record Order(int Id);',
      '    internal class Hidden {}',
      '    public interface IClock {}',
    ].join('\n');
    expect(symbols('C#', text)).toEqual([
      'class OrdersController:2',
      'record Order:3',
      'interface IClock:5',
    ]);
  });
});

test('languages without an extractor have no symbols', () => {
  expect(hasSymbols('Ruby')).toBe(false);
  expect(extractSymbols('Ruby', 'a.rb', 'def x; end')).toEqual([]);
  expect(hasSymbols('Go')).toBe(true);
});
