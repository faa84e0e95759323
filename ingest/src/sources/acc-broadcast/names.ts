// Name tables of the broadcasting protocol (Kunos broadcasting SDK and ACC car list).

/** carModelType -> car model. */
export const CAR_MODELS: Record<number, string> = {
  0: "Porsche 991 GT3 R", 1: "Mercedes-AMG GT3", 2: "Ferrari 488 GT3", 3: "Audi R8 LMS", 4: "Lamborghini Huracan GT3",
  5: "McLaren 650S GT3", 6: "Nissan GT-R Nismo GT3 2018", 7: "BMW M6 GT3", 8: "Bentley Continental GT3 2018",
  9: "Porsche 991 II GT3 Cup", 10: "Nissan GT-R Nismo GT3 2017", 11: "Bentley Continental GT3 2016",
  12: "Aston Martin V12 Vantage GT3", 13: "Lamborghini Gallardo R-EX", 14: "Jaguar G3", 15: "Lexus RC F GT3",
  16: "Lamborghini Huracan Evo", 17: "Honda NSX GT3", 18: "Lamborghini Huracan SuperTrofeo", 19: "Audi R8 LMS Evo",
  20: "AMR V8 Vantage GT3", 21: "Honda NSX GT3 Evo", 22: "McLaren 720S GT3", 23: "Porsche 991 II GT3 R",
  24: "Ferrari 488 GT3 Evo", 25: "Mercedes-AMG GT3 2020", 26: "Ferrari 488 Challenge Evo", 27: "BMW M2 CS Racing",
  28: "Porsche 992 GT3 Cup", 29: "Lamborghini Huracan SuperTrofeo EVO2", 30: "BMW M4 GT3", 31: "Audi R8 LMS GT3 evo II",
  32: "Ferrari 296 GT3", 33: "Lamborghini Huracan Evo2", 34: "Porsche 992 GT3 R", 35: "McLaren 720S GT3 Evo",
  36: "Ford Mustang GT3",
  50: "Alpine A110 GT4", 51: "AMR V8 Vantage GT4", 52: "Audi R8 LMS GT4", 53: "BMW M4 GT4", 55: "Chevrolet Camaro GT4",
  56: "Ginetta G55 GT4", 57: "KTM X-Bow GT4", 58: "Maserati MC GT4", 59: "McLaren 570S GT4", 60: "Mercedes-AMG GT4",
  61: "Porsche 718 Cayman GT4",
  80: "Audi R8 LMS GT2", 82: "KTM X-Bow GT2", 83: "Maserati MC20 GT2", 84: "Mercedes-AMG GT2",
  85: "Porsche 911 GT2 RS CS Evo", 86: "Porsche 935",
};

/** NationalityEnum (first 41 values). */
const NATIONALITIES = ["", "Italy", "Germany", "France", "Spain", "Great Britain", "Hungary", "Belgium", "Switzerland",
  "Austria", "Russia", "Thailand", "Netherlands", "Poland", "Argentina", "Monaco", "Ireland", "Brazil", "South Africa",
  "Puerto Rico", "Slovakia", "Oman", "Greece", "Saudi Arabia", "Norway", "Turkey", "South Korea", "Lebanon", "Armenia",
  "Mexico", "Sweden", "Finland", "Denmark", "Croatia", "Canada", "China", "Portugal", "Singapore", "Indonesia", "USA",
  "New Zealand", "Australia"];

export function carModelName(type: number): string {
  return CAR_MODELS[type] ?? `car model ${type}`;
}

/** Country name, or the game's code as text for values beyond the table. */
export function nationalityName(code: number): string {
  return NATIONALITIES[code] ?? String(code);
}

/** CupCategory -> racetel.v1 car class name. */
export const CUP_CATEGORIES = ["pro", "pro_am", "am", "silver", "national"];
/** DriverCategory: 0 bronze .. 3 platinum (255 = error). */
export const DRIVER_CATEGORIES = ["bronze", "silver", "gold", "platinum"];
