#!/usr/bin/env node
// A downstream reader of hashstream's hash topic: the latest digest of every file.
//
//   node reader.js [--once] [--bootstrap-servers HOST:PORT] [--schema-registry URL] [--topic NAME]
//
// Reads the compacted topic from the beginning (read_committed, kafkajs's default), keeps the last
// value per key and drops a key at its tombstone. With --once it prints the view as one JSON
// object once it has read to the end, and exits; otherwise it says on stderr how many files it
// holds once at the end, then follows, printing each change as a JSON line.
'use strict';

const { parseArgs } = require('node:util');
const { randomUUID } = require('node:crypto');
const { Kafka, CompressionTypes, CompressionCodecs, logLevel } = require('kafkajs');
const { SchemaRegistryClient, AvroDeserializer, SerdeType } = require('@confluentinc/schemaregistry');
const { decompressFrame, compressFrame } = require('lz4-napi');
const avro = require('avsc');

// (a) hashstream's records are compressed (lz4 by default) and kafkajs reads only gzip by itself.
// Kafka's LZ4 is the LZ4 frame format, which lz4-napi reads and writes.
CompressionCodecs[CompressionTypes.LZ4] = () => ({
  compress: (encoder) => compressFrame(encoder.buffer),
  decompress: (buffer) => decompressFrame(buffer),
});

// (b) `modified` and `statusChanged` are nanoseconds since 1970 in an Avro long, above 2^53: avsc's
// default long type refuses them ("potential precision loss"). Every long is read as a BigInt.
const bigIntLong = avro.types.LongType.__with({
  fromBuffer: (buffer) => buffer.readBigInt64LE(),
  toBuffer: (value) => {
    const buffer = Buffer.alloc(8);
    buffer.writeBigInt64LE(BigInt(value));
    return buffer;
  },
  fromJSON: BigInt,
  toJSON: Number,
  isValid: (value) => typeof value === 'bigint',
  compare: (a, b) => (a === b ? 0 : a < b ? -1 : 1),
});
const typeHook = (schema) => (schema === 'long' || schema?.type === 'long' ? bigIntLong : undefined);

const { values: options } = parseArgs({
  options: {
    once: { type: 'boolean', default: false },
    'bootstrap-servers': { type: 'string', default: process.env.HASHSTREAM_BOOTSTRAP_SERVERS ?? '127.0.0.1:9092' },
    'schema-registry': {
      type: 'string',
      default: process.env.HASHSTREAM_SCHEMA_REGISTRY ?? 'http://127.0.0.1:8081/apis/ccompat/v7',
    },
    topic: { type: 'string', default: process.env.HASHSTREAM_HASHES_TOPIC ?? 'hashstream.hashes' },
  },
});
const topic = options.topic;

// What a downstream service keeps of a HashResult; the digest is null unless the status is HASHED.
function row(result) {
  return {
    status: result.status,
    digest: result.digest?.toString('hex') ?? null,
    size: result.size,
    modified: result.modified, // nanoseconds, a BigInt; null for a time outside 1677-2262
  };
}
const json = (value) => JSON.stringify(value, (_key, v) => (typeof v === 'bigint' ? v.toString() : v));

async function main() {
  const kafka = new Kafka({
    clientId: 'hashstream-node-reader',
    brokers: options['bootstrap-servers'].split(','),
    logLevel: logLevel.WARN,
  });
  const deserializer = new AvroDeserializer(
    new SchemaRegistryClient({ baseURLs: [options['schema-registry']] }),
    SerdeType.VALUE,
    { typeHook },
  );

  // "The end" is where each partition is now. The last offsets of a transactional topic are
  // commit markers, which a consumer never sees as messages: the batch events say how far it got.
  const admin = kafka.admin();
  await admin.connect();
  const remaining = new Map(
    (await admin.fetchTopicOffsets(topic))
      .filter(({ offset, low }) => BigInt(offset) > BigInt(low))
      .map(({ partition, offset }) => [partition, BigInt(offset)]),
  );
  await admin.disconnect();

  // A group of its own each time, never committed: every start rebuilds the view from the start.
  const consumer = kafka.consumer({ groupId: `hashstream-node-reader-${randomUUID()}`, readUncommitted: false });
  const view = new Map();
  let caughtUp = false;
  const onCaughtUp = async () => {
    caughtUp = true;
    const sorted = Object.fromEntries([...view.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    if (options.once) {
      process.stdout.write(json(sorted) + '\n');
      await consumer.disconnect();
      return;
    }
    process.stderr.write(`read to the end of ${topic}: ${view.size} files; following\n`);
  };
  consumer.on(consumer.events.END_BATCH_PROCESS, async ({ payload }) => {
    const end = remaining.get(payload.partition);
    if (end !== undefined && BigInt(payload.lastOffset) + 1n >= end) {
      remaining.delete(payload.partition);
      if (remaining.size === 0 && !caughtUp) await onCaughtUp();
    }
  });

  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ message }) => {
      const key = message.key.toString('utf8');
      if (message.value === null) {
        view.delete(key); // a tombstone: the file is gone
        if (caughtUp) process.stdout.write(json({ key, deleted: true }) + '\n');
        return;
      }
      const value = row(await deserializer.deserialize(topic, message.value));
      view.set(key, value);
      if (caughtUp) process.stdout.write(json({ key, ...value }) + '\n');
    },
  });
  if (remaining.size === 0) await onCaughtUp(); // an empty topic
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => consumer.disconnect().then(() => process.exit(0)));
  }
}

main().catch((error) => {
  process.stderr.write(`hashstream-node-reader: ${error.stack ?? error}\n`);
  process.exit(1);
});
