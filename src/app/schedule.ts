import { UsageError } from '../errors.js';

/** NCBI asks for large jobs between 21:00 and 05:00 US Eastern on weekdays (NBK25497). */
export const NCBI_ZONE = 'America/New_York';
export const DEFAULT_AT = '02:30';

export interface ScheduleInput {
  /** Absolute path of the node binary. */
  node: string;
  /** Absolute path of bin/claimwatch.js. */
  cli: string;
  /** Absolute path of the database. */
  db: string;
  /** HH:MM US Eastern, inside NCBI's off-peak window. */
  at: string;
  email: string | undefined;
  /** The moment used to convert Eastern to local time (today). */
  now: Date;
  /** The machine's time zone, e.g. 'Europe/Paris'. */
  localZone: string;
}

export interface Schedule {
  at: string;
  localAt: string;
  localZone: string;
  crontab: string;
  service: string;
  timer: string;
}

/** Reads --at: HH:MM between 21:00 and 05:00 (NCBI's off-peak window). */
export function parseAt(text: string): string {
  const m = /^(\d{1,2}):(\d{2})$/.exec(text.trim());
  const h = m ? Number(m[1]) : NaN;
  const min = m ? Number(m[2]) : NaN;
  if (!m || h > 23 || min > 59) throw new UsageError(`--at ${JSON.stringify(text)} is not a time: give HH:MM US Eastern, e.g. 02:30`);
  const minutes = h * 60 + min;
  if (minutes > 5 * 60 && minutes < 21 * 60) {
    throw new UsageError(`--at ${text} is outside NCBI's off-peak window (21:00-05:00 US Eastern): choose a time such as 02:30`);
  }
  return `${String(h).padStart(2, '0')}:${m[2]}`;
}

/** The wall-clock parts of `instant` in `zone`. */
function wallClock(instant: number, zone: string): { y: number; mo: number; d: number; h: number; mi: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
  }).formatToParts(new Date(instant));
  const get = (t: string): number => Number(parts.find((p) => p.type === t)?.value);
  return { y: get('year'), mo: get('month'), d: get('day'), h: get('hour'), mi: get('minute') };
}

/** The instant at which `zone`'s clock reads HH:MM on the date it shows at `now`. */
function instantAt(now: Date, zone: string, hh: number, mm: number): number {
  const today = wallClock(now.getTime(), zone);
  let guess = Date.UTC(today.y, today.mo - 1, today.d, hh, mm);
  // Two corrections settle the zone offset, daylight saving included.
  for (let i = 0; i < 2; i++) {
    const w = wallClock(guess, zone);
    const shown = Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi);
    guess += Date.UTC(today.y, today.mo - 1, today.d, hh, mm) - shown;
  }
  return guess;
}

function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./@:=+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * A crontab line (local time, converted from US Eastern for today) and a systemd user service and
 * timer (which can name the Eastern zone itself, so daylight saving never moves it out of the window).
 */
export function buildSchedule(i: ScheduleInput): Schedule {
  const [hh, mm] = i.at.split(':').map(Number) as [number, number];
  const local = wallClock(instantAt(i.now, NCBI_ZONE, hh, mm), i.localZone);
  const localAt = `${String(local.h).padStart(2, '0')}:${String(local.mi).padStart(2, '0')}`;
  const command = [i.node, i.cli, '--no-color', '--db', i.db, 'search'].map(shellQuote).join(' ');
  const emailEnv = i.email ? `NCBI_EMAIL=${shellQuote(i.email)} ` : '';
  const crontab = [
    `# claimwatch: nightly PubMed search at ${i.at} US Eastern (${localAt} ${i.localZone} today; check it again when daylight saving changes).`,
    i.email ? '' : '# Set NCBI_EMAIL=you@example.org on a line above this one: NCBI asks every client for a contact address.',
    '# If you have an NCBI API key, put NCBI_API_KEY=... on a line above this one (claimwatch never prints it).',
    `${local.mi} ${local.h} * * * ${emailEnv}${command}`,
  ].filter(Boolean).join('\n');
  const service = [
    '[Unit]',
    'Description=claimwatch nightly PubMed search',
    'After=network-online.target',
    'Wants=network-online.target',
    '',
    '[Service]',
    'Type=oneshot',
    i.email ? `Environment=NCBI_EMAIL=${i.email}` : '# Environment=NCBI_EMAIL=you@example.org',
    '# NCBI_API_KEY=... (and NCBI_EMAIL) can live in this file, readable only by you:',
    'EnvironmentFile=-%h/.config/claimwatch/env',
    `ExecStart=${command}`,
    '',
  ].join('\n');
  const timer = [
    '[Unit]',
    'Description=Run claimwatch search every night in NCBI\'s off-peak window',
    '',
    '[Timer]',
    `OnCalendar=*-*-* ${i.at}:00 ${NCBI_ZONE}`,
    '# A night missed while the machine was off runs at the next start.',
    'Persistent=true',
    'RandomizedDelaySec=10min',
    '',
    '[Install]',
    'WantedBy=timers.target',
    '',
  ].join('\n');
  return { at: i.at, localAt, localZone: i.localZone, crontab, service, timer };
}

/** The printed form: the crontab line, then the two unit files with where they go and how to enable them. */
export function renderSchedule(s: Schedule): string {
  return [
    '# --- crontab (crontab -e) ---',
    s.crontab,
    '',
    '# --- or systemd: ~/.config/systemd/user/claimwatch.service ---',
    s.service,
    '# --- ~/.config/systemd/user/claimwatch.timer ---',
    s.timer,
    '# then: systemctl --user daemon-reload && systemctl --user enable --now claimwatch.timer',
    '',
  ].join('\n');
}
