import { describe, expect, it } from 'vitest';
import { renderTemplate, templateProblems } from '../../src/llm/template.js';

const scope = {
  state: {
    topic: 'cats',
    n: 3,
    ok: false,
    items: [{ title: 'first' }],
    doc: { a: [1, 2] },
    nil: null,
  },
  input: { text: 'from inputs' },
};

describe('prompt templates', () => {
  it('fills state and input paths, array indices included', () => {
    const out = renderTemplate(
      'About {{state.topic}} ({{ state.n }}, {{state.ok}}): {{state.items.0.title}} / {{input.text}}',
      scope,
    );
    expect(out).toEqual({ text: 'About cats (3, false): first / from inputs', missing: [] });
  });

  it('inserts objects and arrays as JSON', () => {
    expect(renderTemplate('{{state.doc}} {{state.items}}', scope).text).toBe(
      '{"a":[1,2]} [{"title":"first"}]',
    );
  });

  it('leaves missing and null values empty and reports them', () => {
    expect(renderTemplate('[{{state.nope}}][{{state.nil}}][{{input.x.y}}]', scope)).toEqual({
      text: '[][][]',
      missing: ['state.nope', 'state.nil', 'input.x.y'],
    });
  });

  it('reads own properties only', () => {
    const out = renderTemplate('{{state.topic.length}}{{state.items.length}}', scope);
    expect(out.missing).toEqual(['state.topic.length']);
    expect(out.text).toBe('1'); // arrays' own `length`
  });

  it('accepts plain text and well-formed placeholders', () => {
    expect(templateProblems('no placeholders at all { } }}')).toEqual([]);
    expect(templateProblems('{{state.a.b}} {{ input.c }}')).toEqual([]);
  });

  it('lists every placeholder that is not a path under state or input', () => {
    expect(
      templateProblems('{{topic}} {{state.a + 1}} {{ env.HOME }} {{state}} {{}}'),
    ).toHaveLength(5);
  });

  it('refuses reserved keys, so no placeholder reaches object internals', () => {
    const problems = templateProblems('{{state.__proto__}} {{input.a.constructor}}');
    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain('"__proto__"');
  });
});
