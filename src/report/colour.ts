/** The few styles renderers use; a renderer receives one of these and never imports chalk. */
export interface Colouriser {
  bold(s: string): string;
  dim(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  red(s: string): string;
  cyan(s: string): string;
  strike(s: string): string;
}

const id = (s: string): string => s;

/** A colouriser that leaves text as it is (pipes, files, NO_COLOR). */
export const PLAIN: Colouriser = { bold: id, dim: id, green: id, yellow: id, red: id, cyan: id, strike: id };
