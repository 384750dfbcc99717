import { LineChart, ScatterChart } from 'echarts/charts';
import { MarkAreaComponent, MarkLineComponent, MarkPointComponent } from 'echarts/components';
import * as echarts from 'echarts/core';

// The shared EChart registers bars and pies only; the survey pages also draw lines (trends with confidence
// bands) and scatter plots (the driver priority matrix). Registering here keeps them in the surveys chunks.
echarts.use([LineChart, ScatterChart, MarkAreaComponent, MarkLineComponent, MarkPointComponent]);

export { CHART_COLORS, EChart, type EChartOption } from '../../components/EChart';
