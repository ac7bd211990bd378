import type pg from 'pg';
import type { AlertDeliveryPage, AlertDeliveryQuery, AlertDeliveryRecord } from './alert-delivery-record.js';
import { deliveryPageOf, deliveryParameters, pruneBatchRows, pruneDeliveriesSql, selectDeliveriesSql, upsertDeliverySql } from './alert-delivery-sql.js';

const placeholder = (index: number) => `$${index}`;

export async function savePostgresAlertDelivery(pool: pg.Pool, record: AlertDeliveryRecord): Promise<void> {
  await pool.query(upsertDeliverySql(placeholder), deliveryParameters(record));
}

export async function listPostgresAlertDeliveries(pool: pg.Pool, query: AlertDeliveryQuery): Promise<AlertDeliveryPage> {
  const { sql, parameters } = selectDeliveriesSql(placeholder, query);
  return deliveryPageOf((await pool.query(sql, parameters)).rows as Array<Record<string, unknown>>, query.limit);
}

/** Deletes the deliveries created before `before` (ISO time), batch by batch; returns how many went. */
export async function prunePostgresAlertDeliveries(pool: pg.Pool, before: string): Promise<number> {
  let deleted = 0;
  for (;;) {
    const batch = (await pool.query(pruneDeliveriesSql(placeholder), [before])).rowCount ?? 0;
    deleted += batch;
    if (batch < pruneBatchRows) return deleted;
  }
}
