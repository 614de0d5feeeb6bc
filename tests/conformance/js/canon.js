// jsonld.js: toRDF of each document, then URDNA2015 canonical N-Quads. Reads {"docs": [...], "context": {...}}
// on stdin, writes a JSON list of {"nquads": "..."} or {"error": "..."} on stdout. The document loader serves
// mlkg's context for its IRI and refuses every other URL, so nothing is fetched.
const jsonld = require('jsonld');

const MLKG_CONTEXT = 'https://w3id.org/mlkg/context.jsonld';

async function main() {
  let input = '';
  for await (const chunk of process.stdin) input += chunk;
  const { docs, context } = JSON.parse(input);
  const documentLoader = async (url) => {
    if (url === MLKG_CONTEXT || url === MLKG_CONTEXT.replace('https:', 'http:')) {
      return { contextUrl: null, documentUrl: url, document: context };
    }
    throw new Error(`refused to load ${url}`);
  };
  const out = [];
  for (const doc of docs) {
    try {
      const ds = await jsonld.toRDF(doc, { format: 'application/n-quads', documentLoader, safe: false });
      const canon = await jsonld.canonize(ds, { algorithm: 'URDNA2015', inputFormat: 'application/n-quads' });
      out.push({ nquads: canon });
    } catch (e) {
      out.push({ error: String(e && (e.message || e)) + (e && e.details ? ' ' + JSON.stringify(e.details).slice(0, 300) : '') });
    }
  }
  process.stdout.write(JSON.stringify(out));
}

main().catch((e) => { console.error(e); process.exit(1); });
