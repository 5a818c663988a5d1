"""The outflow register (流出人口): residents of the county who left to work elsewhere,
and the children and elderly they left behind (留守)."""
