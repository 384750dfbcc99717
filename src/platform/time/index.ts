export { tzOffsetMs, localDayStart, localWeekStart, startOfLocalDate, localDate } from './zones.js';
