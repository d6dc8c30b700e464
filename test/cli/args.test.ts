import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseCommand } from '../../src/cli/args.ts';
import { InvalidArgumentError } from '../../src/index.ts';

describe('parseCommand', () => {
  test('a module with every option', () => {
    assert.deepEqual(
      parseCommand([
        'profile',
        'm.ts',
        '--task',
        't',
        '--args',
        '[1]',
        '--quick',
        '--json',
        '--out',
        'o',
        '--timeout',
        '500',
      ]),
      {
        kind: 'profile',
        module: 'm.ts',
        builtin: false,
        task: 't',
        args: '[1]',
        inputs: undefined,
        quick: true,
        json: true,
        out: 'o',
        timeoutMs: 500,
      },
    );
  });

  test('defaults: current directory, 10 s per call', () => {
    const command = parseCommand(['profile', '--builtin']);
    assert.equal(command.kind, 'profile');
    assert.deepEqual(command.kind === 'profile' && [command.out, command.timeoutMs, command.builtin], [
      '.',
      10_000,
      true,
    ]);
  });

  test('contradictions and missing pieces are refused', () => {
    for (const argv of [
      [],
      ['run'],
      ['profile'],
      ['profile', 'a.ts', 'b.ts'],
      ['profile', 'a.ts', '--builtin'],
      ['profile', '--builtin', '--task', 't'],
      ['profile', 'a.ts', '--args', '[]', '--inputs', 'x'],
      ['profile', 'a.ts', '--timeout', '-1'],
      ['profile', 'a.ts', '--nope'],
    ]) {
      assert.throws(() => parseCommand(argv), InvalidArgumentError, argv.join(' '));
    }
  });

  test('--help', () => {
    assert.deepEqual(parseCommand(['-h']), { kind: 'help' });
  });
});
