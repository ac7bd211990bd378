import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifyPlan, measureLogQueries } from './measure-log-queries.js';

// SQLite's planner has no statistics here (no ANALYZE), so its choices do not depend on the row
// count: a query that reads an index range on 3,000 rows does so on 10 million.
test('every typical log query reads an index; filtered ones an index range, none sorts its matches', async () => {
  const result = await measureLogQueries(3_000, undefined, () => {}, 1_000);
  assert.equal(result.rows, 3_000);
  assert.equal(result.insertedRows, 1_000);
  assert.equal(result.copiedRows, 2_000);
  for (const timing of result.timings) {
    assert.notEqual(timing.access, 'full scan', `${timing.name}: ${timing.plan.join(' / ')}`);
    assert.equal(timing.sorts, false, `${timing.name} sorts its matches: ${timing.plan.join(' / ')}`);
  }
  const ranged = result.timings.filter((timing) => /^(by key|by team|by model|by status|time range|team \+ time|key \+ status|metadata)/.test(timing.name));
  assert.equal(ranged.length, 13);
  for (const timing of ranged) assert.equal(timing.access, 'index range', `${timing.name}: ${timing.plan.join(' / ')}`);
  for (const timing of ranged.filter(({ name }) => name.startsWith('metadata'))) {
    assert.ok(timing.plan.some((line) => /SEARCH request_log_metadata USING PRIMARY KEY \(meta_key=\? AND meta_value=\?/.test(line)), `${timing.name}: ${timing.plan.join(' / ')}`);
  }
  const staging = result.timings.find((timing) => timing.name.startsWith('metadata env=staging'))!;
  assert.equal(staging.rows, 100, 'metadata entries exist for generated rows and copies alike');
  const latest = result.timings.find((timing) => timing.name === 'latest page')!;
  assert.equal(latest.rows, 100);
  const cursorPage = result.timings.find((timing) => timing.name.startsWith('cursor page 50'))!;
  assert.equal(cursorPage.rows, 100, 'page 50 of 100 rows exists in 3,000 rows');
});

test('classifyPlan tells a full scan, an ordered walk and an index range apart, in both dialects', () => {
  assert.deepEqual(classifyPlan(['SCAN request_logs']), { access: 'full scan', sorts: false });
  assert.deepEqual(classifyPlan(['SCAN request_logs', 'USE TEMP B-TREE FOR ORDER BY']), { access: 'full scan', sorts: true });
  assert.deepEqual(classifyPlan(['SCAN request_logs USING INDEX request_logs_at_index']), { access: 'index order walk', sorts: false });
  assert.deepEqual(classifyPlan(['SEARCH request_logs USING INDEX request_logs_key_index (key_id=?)']), { access: 'index range', sorts: false });
  const merged = ['MERGE (UNION ALL)', 'LEFT', 'CO-ROUTINE served', 'SEARCH request_logs USING INDEX request_logs_model_index (model_served=?)', 'SCAN served', 'USE TEMP B-TREE FOR ORDER BY', 'RIGHT', 'CO-ROUTINE requested'];
  assert.deepEqual(classifyPlan([...merged, 'SEARCH request_logs USING INDEX request_logs_model_requested_index (model_requested=?)', 'SCAN requested', 'USE TEMP B-TREE FOR ORDER BY']), { access: 'index range', sorts: false });
  assert.deepEqual(classifyPlan([...merged, 'SCAN request_logs USING INDEX request_logs_at_index', 'SCAN requested', 'USE TEMP B-TREE FOR ORDER BY']), { access: 'index order walk', sorts: false }, 'one walking branch makes the merge a walk');
  assert.deepEqual(classifyPlan(['Limit', '  ->  Seq Scan on request_logs']), { access: 'full scan', sorts: false });
  assert.deepEqual(classifyPlan(['Limit', '  ->  Index Scan Backward using request_logs_key_index on request_logs', '        Index Cond: (key_id = $1)']), { access: 'index range', sorts: false });
});
