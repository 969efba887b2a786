/**
 * Bob asks Alice:   pnpm bob [--connect <url>]
 */
import { connect } from '@interoffice/core';
import { askAlice } from './ask.js';
import { carriesStreams, defaultUrl, option, transports } from './transports.js';

const url = option(process.argv.slice(2), '--connect')[0] ?? defaultUrl;
try {
  const channel = await connect(url, { transports });
  for (const { question, answer } of await askAlice(channel, carriesStreams(url))) console.log(`${question} → ${answer}`);
  await channel.close();
} catch (e) {
  console.error(`Bob could not ask Alice at ${url}: ${(e as Error).message}`);
  process.exit(1);
}
