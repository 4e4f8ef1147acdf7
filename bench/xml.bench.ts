import { parseXml } from '../src/core/xml/parse';
import { time } from './measure';

export async function run() {
  const device = `    <interface type='bridge'>\n      <mac address='00:16:c0:a8:7a:11'/>\n      <source bridge='virbr0'/>\n      <model type='virtio'/>\n    </interface>\n`;
  const small = `<domain type='kvm'>\n  <name>debian1</name>\n  <devices>\n${device.repeat(20)}  </devices>\n</domain>\n`;
  const large = `<domain type='kvm'>\n  <name>big</name>\n  <devices>\n${device.repeat(Math.ceil(1_000_000 / device.length))}  </devices>\n</domain>\n`;
  // parseXml caches by text (the *_cached rows); an explicit maxDepth parses afresh.
  const fresh = (t: string) => parseXml(t, { maxDepth: 2000 });
  return {
    parse_3kb: { bytes: small.length, ...(await time(200, () => fresh(small))) },
    parse_1mb: { bytes: large.length, ...(await time(10, () => fresh(large))) },
    parse_3kb_cached: await time(200, () => parseXml(small)),
    parse_1mb_cached: await time(10, () => parseXml(large)),
  };
}
