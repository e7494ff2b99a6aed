import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { BarChart, describe as describeChart, labelIndexes, LineChart, niceMax, ticks, type ChartPoint, type ChartProps } from './charts.tsx';

const points = (values: number[]): ChartPoint[] => values.map((value, i) => ({ label: `D${i}`, longLabel: `day ${i}`, value }));
const chart = (values: number[], extra: Partial<ChartProps> = {}): ChartProps => ({
  id: 'c1',
  title: 'Membership growth',
  unit: 'members',
  points: points(values),
  ...extra,
});

type Node = Record<string, unknown>;
function parse(svg: string): Node {
  assert.equal(XMLValidator.validate(svg), true, 'well-formed XML');
  return new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: (name) => ['rect', 'circle', 'text', 'g', 'line'].includes(name) }).parse(
    svg,
  ).svg as Node;
}

function accessible(svg: Node, id = 'c1') {
  assert.equal(svg['@role'], 'img');
  assert.equal(svg['@aria-labelledby'], `${id}-title ${id}-desc`);
  assert.equal((svg.title as Node)['@id'], `${id}-title`);
  assert.equal((svg.desc as Node)['@id'], `${id}-desc`);
  assert.ok(String((svg.title as Node)['#text']).length > 0);
  assert.ok(String((svg.desc as Node)['#text']).length > 0);
}

const numbers = (s: string) => s.split(/[ ,]/).map(Number);

describe('chart scale', () => {
  test('the top of the scale is a round number at or above the highest value', () => {
    assert.equal(niceMax(0), 1);
    assert.equal(niceMax(-3), 1);
    assert.equal(niceMax(1), 1);
    assert.equal(niceMax(7), 10);
    assert.equal(niceMax(11), 20);
    assert.equal(niceMax(150), 200);
    assert.equal(niceMax(1979), 2000);
    assert.equal(niceMax(2001), 5000);
  });
  test('scale lines are whole numbers from zero to the top', () => {
    assert.deepEqual(ticks(1), [0, 1]);
    assert.deepEqual(ticks(2), [0, 1, 2]);
    assert.deepEqual(ticks(10), [0, 2, 4, 6, 8, 10]);
    assert.deepEqual(ticks(20), [0, 5, 10, 15, 20]);
    assert.deepEqual(ticks(2000), [0, 500, 1000, 1500, 2000]);
    for (const t of [1, 2, 5, 10, 20, 50, 100, 200, 500]) assert.ok(ticks(t).every(Number.isInteger), `ticks(${t})`);
  });
  test('axis labels: at most six, always the first and the last', () => {
    assert.deepEqual(labelIndexes(0), []);
    assert.deepEqual(labelIndexes(1), [0]);
    assert.deepEqual(labelIndexes(6), [0, 1, 2, 3, 4, 5]);
    const many = labelIndexes(84);
    assert.equal(many.length, 6);
    assert.equal(many[0], 0);
    assert.equal(many[5], 83);
  });
});

describe('line chart', () => {
  test('is well-formed, labelled SVG whose points follow the values', () => {
    const svg = parse(LineChart(chart([100, 150, 200])));
    accessible(svg);
    const line = (svg.polyline as Node)['@points'] as string;
    const ys = numbers(line).filter((_, i) => i % 2 === 1);
    assert.equal(ys.length, 3);
    assert.ok(ys[0]! > ys[1]! && ys[1]! > ys[2]!, 'higher values are drawn higher');
    // 200 is the top of the scale: the last point sits on the top scale line
    const topLine = Math.min(...(svg.g as Node[]).map((g) => Number(((g.line as Node[])[0] as Node)['@y1'])));
    assert.equal(ys[2], topLine);
    assert.equal((svg.circle as Node[]).length, 3);
  });
  test('one point is drawn as a dot in the middle', () => {
    const svg = parse(LineChart(chart([42])));
    accessible(svg);
    assert.equal((svg.circle as Node[]).length, 1);
    assert.match(String((svg.desc as Node)['#text']), /^42 members, day 0\.$/);
  });
  test('all zeros lie on the baseline, with a scale of 0 to 1', () => {
    const svg = parse(LineChart(chart([0, 0, 0])));
    const ys = (svg.circle as Node[]).map((c) => Number(c['@cy']));
    const base = Math.max(...(svg.g as Node[]).map((g) => Number(((g.line as Node[])[0] as Node)['@y1'])));
    assert.deepEqual(ys, [base, base, base]);
    assert.deepEqual(
      (svg.g as Node[]).map((g) => String((g.text as Node[])[0]!['#text'])),
      ['0', '1'],
    );
  });
  test('no data says so, in the picture and in its description', () => {
    const svg = parse(LineChart(chart([])));
    accessible(svg);
    assert.equal(svg.polyline, undefined);
    assert.equal(String((svg.desc as Node)['#text']), 'No members in this date range.');
  });
  test('titles and labels are escaped', () => {
    const out = LineChart({
      id: 'x',
      title: 'A <b>&</b> "q"',
      unit: 'members',
      points: [
        { label: '<i>', longLabel: '<script>', value: 1 },
        { label: 'b', longLabel: 'b', value: 2 },
      ],
    });
    assert.equal(XMLValidator.validate(out), true);
    assert.doesNotMatch(out, /<b>|<i>|<script>/);
  });
});

describe('bar chart', () => {
  test('bar heights are proportional to the values', () => {
    const svg = parse(BarChart(chart([5, 10, 0, 20], { unit: 'posts', title: 'Posts per week' })));
    accessible(svg);
    const heights = (svg.rect as Node[]).map((r) => Number(r['@height']));
    assert.equal(heights.length, 4);
    assert.equal(heights[2], 0);
    assert.ok(Math.abs(heights[1]! - 2 * heights[0]!) < 0.2);
    assert.ok(Math.abs(heights[3]! - 2 * heights[1]!) < 0.2);
    assert.match(String((svg.desc as Node)['#text']), /35 posts over 4 periods, 8\.8 on average\. Highest 20 \(day 3\), lowest 0 \(day 2\)/);
  });
  test('all zeros: bars of no height, nothing below the baseline', () => {
    const svg = parse(BarChart(chart([0, 0])));
    for (const r of svg.rect as Node[]) {
      assert.equal(Number(r['@height']), 0);
      assert.ok(Number(r['@y']) <= 280);
    }
  });
  test('empty and single-bar charts are well-formed', () => {
    accessible(parse(BarChart(chart([]))));
    const one = parse(BarChart(chart([3])));
    accessible(one);
    assert.equal((one.rect as Node[]).length, 1);
  });
});

test('the line description gives the change over the range', () => {
  assert.equal(
    describeChart(chart([120, 100, 150]), 'line'),
    'Membership growth: from 120 members (day 0) to 150 (day 2), up 30. Highest 150 (day 2), lowest 100 (day 1).',
  );
  assert.match(describeChart(chart([5, 5]), 'line'), /no change/);
});
