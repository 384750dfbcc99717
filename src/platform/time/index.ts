export { tzOffsetMs, localDayStart, localWeekStart } from './zones.js';
