// Read a GEXF file with graphology-gexf, as a JavaScript user of the network export would, and print
// the graph as graphology's own JSON serialisation (attributes, nodes, edges) with the graph's type.
// Usage: node read-gexf.js FILE.gexf
"use strict";
const fs = require("fs");
const Graph = require("graphology");
const gexf = require("graphology-gexf");

const graph = gexf.parse(Graph, fs.readFileSync(process.argv[2], "utf-8"));
process.stdout.write(JSON.stringify({ type: graph.type, multi: graph.multi, ...graph.export() }));
