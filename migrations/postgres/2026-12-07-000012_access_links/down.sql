DROP TABLE access_links;
