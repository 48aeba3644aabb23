-- Run once by the PostGIS image, on its first start with an empty data volume (postgis.yaml
-- mounts this file as a config in /docker-entrypoint-initdb.d/): the table the cities-loader job
-- fills (krawler-job.yaml) and MapServer draws (mapfiles/wms.map). It exists before either starts,
-- so MapServer's OGC check can draw it even before the job's first run. The columns are the ones
-- Krawler's writePGTable hook inserts, with 2D points: its createPGTable would make 3D ones.
CREATE TABLE cities (
  id serial PRIMARY KEY,
  geom geometry(Point, 4326) NOT NULL,
  properties json
);
CREATE INDEX cities_geom ON cities USING gist (geom);
