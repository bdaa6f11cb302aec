#!/usr/bin/env node
// check.js - opens report.html folders in Debian's chromium (through
// puppeteer-core) the way readers do, and checks what they would see.
//
// usage: node tests/browser/check.js OUTDIR NAME=REPORTDIR...
//
// On screen, at 390 px (a phone) and 1280 px (a laptop):
//   - the page never scrolls sideways;
//   - every table wider than its column scrolls inside its own wrapper;
//   - no chart text renders below 9 CSS px (each inline chart says the
//     smallest text size it drew, data-ef-text-px, in its own pixels);
//   - nothing overflows its table cell;
//   - right-to-left text sits in <bdi>, isolated from its neighbours;
//   - in dark mode the page and the charts are dark.
// Printed to PDF (A4):
//   - no heading is the last thing on its page;
//   - no table row is split across pages;
//   - no page but the last is more than half blank;
//   - in dark mode, print stays light.
// Saves OUTDIR/NAME-390.png, NAME-1280.png (whole pages),
// NAME-390-dark.png (the first chart and above) and NAME.pdf (and the
// PDF's pages as NAME-page-K.png) for a person to look at. Prints "ok: ..." or "FAIL ...", then "N passed, N failed".
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
const puppeteer = require('puppeteer-core');

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const MIN_TEXT_PX = 9;
let passed = 0, failed = 0;

function check(ok, what, detail) {
    if (ok) {
        passed++;
    } else {
        failed++;
        console.log('FAIL ' + what + (detail ? ': ' + detail : ''));
    }
}

// ==== On screen ============================================================

// Runs in the page: every finding, as {what: [offenders]}.
function screenFindings(minPx) {
    const out = { sideways: [], table: [], chartText: [], cell: [],
                  bidi: [], charts: 0 };
    const vw = document.documentElement.clientWidth;
    const sw = Math.max(document.documentElement.scrollWidth,
                        document.body.scrollWidth);
    if (sw > vw)
        out.sideways.push('scrollWidth ' + sw + ' > ' + vw);
    const shown = (el) => el.getClientRects().length > 0 &&
        getComputedStyle(el).visibility !== 'hidden';
    for (const t of document.querySelectorAll('table')) {
        const box = t.getBoundingClientRect();
        const wrap = t.parentElement;
        const scrolls = wrap && wrap.classList.contains('table-wrap') &&
            /auto|scroll/.test(getComputedStyle(wrap).overflowX);
        const head = (t.querySelector('tr') || t).textContent.replace(/\s+/g, ' ').trim()
            .slice(0, 40);
        if (!scrolls)
            out.table.push('not in a scrolling .table-wrap: ' + head);
        else if (box.width > wrap.clientWidth + 1 &&
                 wrap.getBoundingClientRect().right > vw + 0.5)
            out.table.push('wrapper wider than the page: ' + head);
        else if (box.width <= wrap.clientWidth + 1 &&
                 wrap.scrollWidth > wrap.clientWidth + 1)
            out.table.push('wrapper scrolls for nothing: ' + head);
    }
    for (const svg of document.querySelectorAll('figure svg')) {
        if (!shown(svg))
            continue;
        out.charts++;
        const vb = svg.viewBox.baseVal;
        const px = parseFloat(svg.getAttribute('data-ef-text-px'));
        const scale = svg.getBoundingClientRect().width / vb.width;
        if (!(px * scale >= minPx))
            out.chartText.push(svg.id + ' ' +
                (svg.querySelector('title') || {}).textContent + ': ' +
                (px * scale).toFixed(1) + ' px');
    }
    // right-to-left text is isolated from its neighbours (<bdi>)
    const rtl = /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]/;
    const walk = document.createTreeWalker(document.querySelector('main'),
                                           NodeFilter.SHOW_TEXT);
    for (let t; (t = walk.nextNode());) {
        const el = t.parentElement;
        if (rtl.test(t.data) && !el.closest('bdi, svg'))
            out.bidi.push(t.data.trim().slice(0, 30));
    }
    for (const c of document.querySelectorAll('td, th')) {
        if (c.scrollWidth > c.clientWidth + 1)
            out.cell.push(c.textContent.trim().slice(0, 40) + ' (' +
                          c.scrollWidth + ' > ' + c.clientWidth + ')');
    }
    return out;
}

async function onScreen(page, name, width, outdir) {
    await page.setViewport({ width, height: 900 });
    await page.emulateMediaType('screen');
    await page.emulateMediaFeatures([
        { name: 'prefers-color-scheme', value: 'light' }]);
    const f = await page.evaluate(screenFindings, MIN_TEXT_PX);
    const at = name + ' at ' + width + ' px';
    check(f.sideways.length === 0, at + ': no sideways scroll',
          f.sideways.join('; '));
    check(f.table.length === 0, at + ': wide tables scroll in a wrapper',
          f.table.join('; '));
    check(f.charts > 0, at + ': charts shown');
    check(f.chartText.length === 0,
          at + ': chart text at least ' + MIN_TEXT_PX + ' px',
          f.chartText.join('; '));
    check(f.cell.length === 0, at + ': nothing overflows a table cell',
          f.cell.slice(0, 5).join('; '));
    check(f.bidi.length === 0, at + ': right-to-left text in <bdi>',
          f.bidi.slice(0, 5).join('; '));
    await page.screenshot({ path: path.join(outdir, name + '-' + width +
                                            '.png'), fullPage: true });
}

// Runs in the page: the luminance of the page's background and of each
// shown chart's background (its first painted shape).
function darkFindings() {
    const lum = (css) => {
        const m = css.match(/[\d.]+/g);
        if (!m || m.length < 3)
            return -1;
        return (0.2126 * m[0] + 0.7152 * m[1] + 0.0722 * m[2]) / 255;
    };
    const out = { page: lum(getComputedStyle(document.body).backgroundColor),
                  text: lum(getComputedStyle(document.body).color),
                  charts: [] };
    for (const svg of document.querySelectorAll('figure svg')) {
        if (svg.getClientRects().length === 0)
            continue;
        const bg = svg.querySelector('rect, path');
        out.charts.push({ id: svg.id, lum: lum(getComputedStyle(bg).fill) });
    }
    return out;
}

async function darkMode(page, name, outdir) {
    await page.setViewport({ width: 390, height: 900 });
    await page.emulateMediaType('screen');
    await page.emulateMediaFeatures([
        { name: 'prefers-color-scheme', value: 'dark' }]);
    const d = await page.evaluate(darkFindings);
    check(d.page >= 0 && d.page < 0.2 && d.text > 0.6,
          name + ' dark: the page is dark, its text light',
          'background ' + d.page.toFixed(2) + ', text ' + d.text.toFixed(2));
    const bright = d.charts.filter((c) => !(c.lum >= 0 && c.lum < 0.2));
    check(d.charts.length > 0 && bright.length === 0,
          name + ' dark: the charts are dark',
          bright.map((c) => c.id + ' ' + c.lum.toFixed(2)).join('; '));
    // the page's top and its first chart (a full page takes seconds)
    const y = await page.evaluate(() =>
        document.querySelector('figure').getBoundingClientRect().top +
        scrollY - 300);
    await page.screenshot({ path: path.join(outdir, name + '-390-dark.png'),
                            clip: { x: 0, y: Math.max(0, y), width: 390,
                                    height: 900 },
                            captureBeyondViewport: true });
}

// ==== On paper =============================================================

// Runs in the page: wraps content in links to https://ef.invalid/KIND/K,
// which Chromium keeps in the PDF as link annotations with their pages:
// r/K for each cell of body row K, h/K for heading K and n/K for what
// follows it. Links inherit colour and add no box: the layout stays.
function markForPrint() {
    const wrap = (el, href, block) => {
        const a = document.createElement('a');
        a.href = 'https://ef.invalid/' + href;
        a.style.cssText = 'color:inherit;text-decoration:none;' +
            (block ? 'display:block' : '');
        while (el.firstChild)
            a.appendChild(el.firstChild);
        el.appendChild(a);
    };
    let k = 0;
    const rowOf = new Map();
    for (const tr of document.querySelectorAll('tbody tr')) {
        rowOf.set(tr, ++k);
        for (const td of tr.children)
            if (td.textContent.trim() !== '')
                wrap(td, 'r/' + k);
    }
    // headings first: a heading may be what follows another
    const hs = [...document.querySelectorAll('h1, h2, h3')];
    hs.forEach((el, i) => wrap(el, 'h/' + (i + 1)));
    return hs.map((el) => {
        const next = el.nextElementSibling;
        let row;
        if (!next)
            return { text: el.textContent.trim(), next: null };
        if (hs.includes(next))
            return { text: el.textContent.trim(),
                     next: 'h/' + (hs.indexOf(next) + 1) };
        if ((row = next.querySelector('tbody tr')) && rowOf.has(row))
            return { text: el.textContent.trim(),
                     next: 'r/' + rowOf.get(row) };
        const target = next.matches('ul, ol') && next.firstElementChild ?
            next.firstElementChild : next;
        wrap(target, 'n/' + (hs.indexOf(el) + 1),
             target.matches('figure'));
        return { text: el.textContent.trim(),
                 next: 'n/' + (hs.indexOf(el) + 1) };
    });
}

// The pages each marked link lands on: {href: Set(pages)}.
function linkPages(pdf) {
    const out = new Map();
    const text = execFileSync('pdfinfo', ['-url', pdf], { encoding: 'utf8' });
    for (const line of text.split('\n')) {
        const m = line.match(/^\s*(\d+)\s+\S+\s+https:\/\/ef\.invalid\/(.*)$/);
        if (!m)
            continue;
        if (!out.has(m[2]))
            out.set(m[2], new Set());
        out.get(m[2]).add(+m[1]);
    }
    return out;
}

// Each page of pdf as a grey image (PGM, 20 dpi): {w, h, px} in order.
function pages(pdf, dpi, prefix) {
    execFileSync('pdftoppm', ['-gray', '-r', String(dpi), pdf, prefix]);
    const dir = path.dirname(prefix), base = path.basename(prefix);
    return fs.readdirSync(dir)
        .filter((f) => f.startsWith(base + '-') && f.endsWith('.pgm'))
        .sort((a, b) => parseInt(a.slice(base.length + 1)) -
                        parseInt(b.slice(base.length + 1)))
        .map((f) => {
            const buf = fs.readFileSync(path.join(dir, f));
            const hdr = buf.toString('latin1', 0, 64)
                .match(/^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/);
            const img = { w: +hdr[1], h: +hdr[2],
                          px: buf.subarray(hdr[0].length) };
            fs.unlinkSync(path.join(dir, f));
            return img;
        });
}

// The share of a page's height below its last ink, and its mean grey.
function blankBelow(img) {
    let last = 0, sum = 0;
    for (let y = 0; y < img.h; y++)
        for (let x = 0; x < img.w; x++) {
            const v = img.px[y * img.w + x];
            sum += v;
            if (v < 235)
                last = y;
        }
    return { blank: 1 - (last + 1) / img.h, mean: sum / (img.w * img.h) };
}

async function onPaper(page, name, outdir, file) {
    const pdf = path.join(outdir, name + '.pdf');
    const marked = path.join(outdir, name + '.marked.pdf');
    const opts = { format: 'A4', printBackground: true };

    await page.emulateMediaFeatures([
        { name: 'prefers-color-scheme', value: 'light' }]);
    await page.goto(file);
    await page.pdf({ ...opts, path: pdf });
    for (const f of fs.readdirSync(outdir))
        if (f.startsWith(name + '-page-'))
            fs.unlinkSync(path.join(outdir, f));
    execFileSync('pdftoppm', ['-png', '-r', '50', pdf,
                              path.join(outdir, name + '-page')]);

    const imgs = pages(pdf, 20, path.join(outdir, name + '.tmp'));
    const blank = [];
    imgs.forEach((img, i) => {
        // the page's margins (16 mm of 297) count as blank too
        const b = blankBelow(img).blank - 16 / 297;
        if (i + 1 < imgs.length && b > 0.5)
            blank.push('page ' + (i + 1) + ' is ' + Math.round(b * 100) +
                       '% blank');
    });
    check(blank.length === 0, name + ' print: no page but the last is ' +
          'more than half blank', blank.join('; '));

    const heads = await page.evaluate(markForPrint);
    await page.pdf({ ...opts, path: marked });
    const at = linkPages(marked);
    const split = [], stranded = [];
    for (const [href, pg] of at)
        if (href.startsWith('r/') && pg.size > 1)
            split.push('row ' + href.slice(2) + ' on pages ' + [...pg]);
    heads.forEach((hd, i) => {
        const h = at.get('h/' + (i + 1)), n = hd.next && at.get(hd.next);
        if (!h || !n)
            return;
        const hp = Math.max(...h), np = Math.min(...n);
        if (np > hp)
            stranded.push('"' + hd.text.slice(0, 40) + '" ends page ' + hp);
    });
    check(at.size > 0, name + ' print: the marked PDF has its links');
    check(split.length === 0, name + ' print: no table row split',
          split.slice(0, 5).join('; '));
    check(stranded.length === 0, name + ' print: no heading ends a page',
          stranded.join('; '));
    fs.unlinkSync(marked);

    // a reader in dark mode prints a light page
    await page.emulateMediaFeatures([
        { name: 'prefers-color-scheme', value: 'dark' }]);
    await page.goto(file);
    await page.pdf({ ...opts, path: marked });
    const dark = pages(marked, 10, path.join(outdir, name + '.tmp'))
        .map((img) => blankBelow(img).mean);
    check(dark.length > 0 && dark.every((m) => m > 200),
          name + ' print in dark mode: the pages stay light',
          dark.map((m) => m.toFixed(0)).join(' '));
    fs.unlinkSync(marked);
    return imgs.length;
}

// ==== Main =================================================================

(async () => {
    const outdir = process.argv[2];
    const reports = process.argv.slice(3).map((a) => a.split('='));
    fs.mkdirSync(outdir, { recursive: true });
    const browser = await puppeteer.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: ['--no-sandbox', '--disable-gpu',
               '--disable-background-networking',
               '--disable-component-update', '--disable-sync',
               '--no-first-run'],
    });
    try {
        for (const [name, dir] of reports) {
            const file = 'file://' + path.resolve(dir, 'report.html');
            const page = await browser.newPage();
            await page.goto(file);
            for (const w of [390, 1280])
                await onScreen(page, name, w, outdir);
            await darkMode(page, name, outdir);
            const n = await onPaper(page, name, outdir, file);
            console.log('ok: ' + name + ': screenshots and ' + n +
                        ' PDF pages in ' + outdir);
            await page.close();
        }
    } finally {
        await browser.close();
    }
    console.log(passed + ' passed, ' + failed + ' failed');
    process.exit(failed ? 1 : 0);
})().catch((err) => {
    console.log('FAIL browser: ' + (err && err.stack || err));
    console.log(passed + ' passed, ' + (failed + 1) + ' failed');
    process.exit(1);
});
