// The simulated grid: names (UTF-8 with accents, as the game sends them), race numbers, teams and a
// relative pace. Ids follow the appendix of the F1 23/24 UDP spec where known; they are labels, not claims.

export interface DriverProfile {
  name: string;
  raceNumber: number;
  /** F1 team id (0 Mercedes, 1 Ferrari, 2 Red Bull, 3 Williams, 4 Aston Martin, 5 Alpine, 6 RB, 7 Haas, 8 McLaren, 9 Sauber). */
  teamId: number;
  /** F1 driver id (appendix). */
  driverId: number;
  /** F1 nationality id (appendix). */
  nationality: number;
  /** Relative car+driver speed: 1 = fastest on the grid. */
  pace: number;
}

/** Up to 22 drivers, in a fixed order; `--cars N` takes the first N. */
export const DRIVERS: readonly DriverProfile[] = [
  { name: "VERSTAPPEN", raceNumber: 1, teamId: 2, driverId: 9, nationality: 22, pace: 1.0 },
  { name: "LECLERC", raceNumber: 16, teamId: 1, driverId: 58, nationality: 53, pace: 0.9975 },
  { name: "NORRIS", raceNumber: 4, teamId: 8, driverId: 54, nationality: 10, pace: 0.9972 },
  { name: "HAMILTON", raceNumber: 44, teamId: 0, driverId: 7, nationality: 10, pace: 0.9965 },
  { name: "PÉREZ", raceNumber: 11, teamId: 2, driverId: 14, nationality: 52, pace: 0.996 },
  { name: "SAINZ", raceNumber: 55, teamId: 1, driverId: 0, nationality: 77, pace: 0.9958 },
  { name: "RUSSELL", raceNumber: 63, teamId: 0, driverId: 50, nationality: 10, pace: 0.9955 },
  { name: "PIASTRI", raceNumber: 81, teamId: 8, driverId: 112, nationality: 3, pace: 0.995 },
  { name: "ALONSO", raceNumber: 14, teamId: 4, driverId: 3, nationality: 77, pace: 0.9935 },
  { name: "HÜLKENBERG", raceNumber: 27, teamId: 7, driverId: 10, nationality: 29, pace: 0.992 },
  { name: "GASLY", raceNumber: 10, teamId: 5, driverId: 59, nationality: 28, pace: 0.9918 },
  { name: "OCON", raceNumber: 31, teamId: 5, driverId: 17, nationality: 28, pace: 0.9915 },
  { name: "STROLL", raceNumber: 18, teamId: 4, driverId: 19, nationality: 13, pace: 0.991 },
  { name: "TSUNODA", raceNumber: 22, teamId: 6, driverId: 94, nationality: 43, pace: 0.9905 },
  { name: "ALBON", raceNumber: 23, teamId: 3, driverId: 62, nationality: 80, pace: 0.99 },
  { name: "MAGNUSSEN", raceNumber: 20, teamId: 7, driverId: 11, nationality: 21, pace: 0.9895 },
  { name: "RICCIARDO", raceNumber: 3, teamId: 6, driverId: 2, nationality: 3, pace: 0.989 },
  { name: "BOTTAS", raceNumber: 77, teamId: 9, driverId: 15, nationality: 27, pace: 0.9885 },
  { name: "ZHOU", raceNumber: 24, teamId: 9, driverId: 80, nationality: 15, pace: 0.988 },
  { name: "SARGEANT", raceNumber: 2, teamId: 3, driverId: 132, nationality: 1, pace: 0.9875 },
  { name: "RÄIKKÖNEN", raceNumber: 7, teamId: 9, driverId: 6, nationality: 27, pace: 0.987 },
  { name: "VETTEL", raceNumber: 5, teamId: 4, driverId: 4, nationality: 29, pace: 0.9865 },
];
