import { FunnelChart, HeatmapChart, LineChart, SankeyChart } from 'echarts/charts';
import { MarkLineComponent, VisualMapComponent } from 'echarts/components';
import * as echarts from 'echarts/core';

/**
 * The chart types the journey and overview pages draw on top of the console's shared set (bar, pie): funnels,
 * Sankey paths, heat maps and trend lines with confidence bands. Loaded lazily with the charts themselves.
 */
echarts.use([FunnelChart, HeatmapChart, LineChart, SankeyChart, MarkLineComponent, VisualMapComponent]);

export { EChart } from '../../components/EChart';
