#!/usr/bin/env node
// international.js - writes a hostile, international feedback CSV for the
// browser suite: 50 channels (Japanese, Hebrew, Arabic, HTML- and
// formula-looking names among them), authors with 120-character names
// that never break, Hebrew authors, Japanese sentences, text that looks
// like HTML or a spreadsheet formula, and a week too small to call.
//
// usage: node tests/browser/international.js OUT.csv
// The same file every time: the choices come from a fixed-seed LCG.
'use strict';
const fs = require('fs');

let seed = 20250106;
function rnd() { // a number in [0, 1)
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
}
function pick(a) { return a[Math.floor(rnd() * a.length)]; }

const longName = 'Wolfeschlegelsteinhausenbergerdorffwelchevoralternwarengewissenhaft' +
    'schaferswessenschafewarenwohlgepflegeundsorgfaltigkeitbeschutzen';
const channels = [
    'twitter', 'facebook', 'reviews', 'forum', 'survey', 'email',
    '公式ツイッター', 'カスタマーサポート窓口', 'アプリストアのレビュー',
    'תמיכה', 'الدعم الفني', '<b>bold</b> channel', '=SUM(A1:A9)',
    '@channel', 'Κριτικές', 'отзывы', longName.slice(0, 90),
];
for (let i = channels.length; i < 50; i++)
    channels.push('store-' + String(i).padStart(2, '0'));

const authors = [
    longName, longName.toUpperCase(), 'שרה', 'שרה', 'שרה', 'דוד כהן', 'محمد', '田中太郎',
    '@mallory', '<img src=x onerror=alert(1)>', '=HYPERLINK("http://x","y")',
    'cust-1001', 'cust-1002', 'Ana', 'Bob', 'Chidi', 'Dana',
];
const neg = [
    'サポートの対応が遅すぎて最悪でした terrible',
    '注文した商品が届かない。返金もされない awful',
    'アプリが起動しない、毎回クラッシュする horrible',
    'バッテリーの持ちが悪い bad',
    'The update broke everything, terrible support',
    'Worst purchase ever, the battery died in a week',
    '<script>alert(1)</script> this is awful',
    '=HYPERLINK("http://evil.example","click") horrible',
    '+1 awful, -1 star if I could',
    'השירות היה גרוע מאוד terrible',
    'الخدمة سيئة جدا awful',
    'https://example.com/' + 'a'.repeat(300) + ' broken link, awful',
    'unbroken' + 'x'.repeat(200) + ' terrible',
];
const pos = [
    '音質がとても良い great', 'サポートの方が親切でした love it',
    'Great sound and the case is lovely', 'Works perfectly, thank you!',
    'שירות מצוין great', 'ممتاز good',
];
const neu = [
    '明日届きますか?', 'Where is the manual?', 'Is there a blue one?',
    '</td></tr></table><h1>not a heading</h1>', '| a | b |',
];

const rows = ['id,date,channel,author,text,rating,nps,responded_at'];
const q = (s) => '"' + String(s).replace(/"/g, '""') + '"';
const start = Date.UTC(2025, 0, 6);
let id = 0;
for (let week = 0; week < 12; week++) {
    const n = week === 7 ? 5 : 90 + Math.floor(rnd() * 40);
    for (let k = 0; k < n; k++) {
        const r = rnd();
        const text = r < 0.35 ? pick(neg) : r < 0.75 ? pick(pos) : pick(neu);
        // most items go to the first few channels; every channel has some
        const ch = k < 50 && week === 0 ? channels[k]
            : channels[Math.floor(Math.pow(rnd(), 3) * channels.length)];
        const t = new Date(start + week * 7 * 86400e3 +
                           Math.floor(rnd() * 7 * 86400e3));
        const nps = rnd() < 0.3 ? Math.floor(rnd() * 11) : '';
        const rating = rnd() < 0.3 ? 1 + Math.floor(rnd() * 5) : '';
        id++;
        rows.push([id, t.toISOString().replace('.000', ''), q(ch),
                   q(pick(authors)), q(text), rating, nps, ''].join(','));
    }
}
fs.writeFileSync(process.argv[2], rows.join('\n') + '\n');
