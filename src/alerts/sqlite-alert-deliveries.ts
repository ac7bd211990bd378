import type Database from 'libsql';
import type { AlertDeliveryPage, AlertDeliveryQuery, AlertDeliveryRecord } from './alert-delivery-record.js';
import { deliveryPageOf, deliveryParameters, pruneBatchRows, pruneDeliveriesSql, selectDeliveriesSql, upsertDeliverySql } from './alert-delivery-sql.js';

const placeholder = () => '?';

export function saveSqliteAlertDelivery(db: Database.Database, record: AlertDeliveryRecord): void {
  db.prepare(upsertDeliverySql(placeholder)).run(...deliveryParameters(record));
}

export function listSqliteAlertDeliveries(db: Database.Database, query: AlertDeliveryQuery): AlertDeliveryPage {
  const { sql, parameters } = selectDeliveriesSql(placeholder, query);
  return deliveryPageOf(db.prepare(sql).all(...parameters) as Array<Record<string, unknown>>, query.limit);
}

/** Deletes the deliveries created before `before` (ISO time), batch by batch; returns how many went. */
export function pruneSqliteAlertDeliveries(db: Database.Database, before: string): number {
  const statement = db.prepare(pruneDeliveriesSql(placeholder));
  let deleted = 0;
  for (;;) {
    const batch = statement.run(before).changes;
    deleted += batch;
    if (batch < pruneBatchRows) return deleted;
  }
}
