// Nothing on weapp: see h5-fixes.h5.ts.
export {};
