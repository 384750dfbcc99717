// jstat ships no type declarations (and there is no @types/jstat); only the few distribution functions the
// metrics use are declared, so any other use fails to typecheck instead of silently being `any`.
declare module 'jstat' {
  interface JStatStatic {
    normal: {
      cdf(x: number, mean: number, sd: number): number;
      inv(p: number, mean: number, sd: number): number;
    };
    studentt: {
      cdf(x: number, dof: number): number;
      inv(p: number, dof: number): number;
    };
    centralF: {
      cdf(x: number, df1: number, df2: number): number;
    };
  }
  const jStat: JStatStatic;
  export = jStat;
}
