// Peer for `earful score`: the JavaScript port (npm vader-sentiment@1.1.3),
// one text per line, TSV out.   usage: node js_score.js MODULE_DIR FILE
"use strict";
const fs = require("fs");
const path = require("path");
const vader = require(path.resolve(process.argv[2], "vader-sentiment"));

const lines = fs.readFileSync(process.argv[3], "utf8").split("\n");
if (lines.length && lines[lines.length - 1] === "") lines.pop();
const out = ["neg\tneu\tpos\tcompound"];
for (const raw of lines) {
  const s = vader.SentimentIntensityAnalyzer.polarity_scores(
    raw.replace(/\r$/, ""));
  out.push(`${s.neg.toFixed(3)}\t${s.neu.toFixed(3)}\t${s.pos.toFixed(3)}\t` +
           `${s.compound.toFixed(4)}`);
}
fs.writeFileSync(1, out.join("\n") + "\n");
