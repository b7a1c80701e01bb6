/**
 * The shape of the router's code: modules import each other without cycles, nothing imports the
 * entry point, only the entry point imports the configuration that wires the modules, and
 * settings.ts is the only module that reads the environment.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const routerDir = dirname(fileURLToPath(import.meta.url));
const ENTRY_POINT = 'server.ts';
const CONFIG = 'gateway.ts';

function modules(directory: string = routerDir): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : modules(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [relative(routerDir, path)] : [];
  });
}

/** Each module's relative imports, as paths from router/. */
const imports = new Map(
  modules().map((module) => {
    const source = readFileSync(join(routerDir, module), 'utf8');
    const relativeImports = [...source.matchAll(/from '(\.[^']+)'/g)].map(([, specifier]) =>
      relative(routerDir, resolve(routerDir, dirname(module), specifier)),
    );
    return [module, relativeImports];
  }),
);

test('relative imports name existing modules with their .ts extension (Node runs them as they are)', () => {
  for (const [module, targets] of imports) {
    for (const target of targets) assert.ok(imports.has(target), `${module} imports ${target}`);
  }
});

test('nothing imports the entry point; only the entry point imports the config that wires the modules', () => {
  for (const [module, targets] of imports) {
    assert.ok(!targets.includes(ENTRY_POINT), module);
    if (module !== ENTRY_POINT) assert.ok(!targets.includes(CONFIG), module);
  }
  assert.ok(imports.get(ENTRY_POINT)?.includes(CONFIG));
});

test('no import cycle', () => {
  const done = new Set<string>();
  const visit = (module: string, chain: string[]) => {
    assert.ok(!chain.includes(module), `import cycle: ${[...chain, module].join(' -> ')}`);
    if (done.has(module)) return;
    for (const target of imports.get(module) ?? []) visit(target, [...chain, module]);
    done.add(module);
  };
  for (const module of imports.keys()) visit(module, []);
  assert.ok(done.has(ENTRY_POINT) && done.size > 5);
});

test('only settings.ts reads the environment', () => {
  const readers = [...imports.keys()].filter((module) =>
    /process\.env|\benv\[|\benv\./.test(readFileSync(join(routerDir, module), 'utf8')),
  );
  assert.deepEqual(readers, ['settings.ts']);
});
